"""The benchmark's figures: medians over the rounds, the goals, the JSON and the printed table."""

import os
import platform
import statistics
import subprocess
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THROUGHPUT_GOAL = 0.40  # the register's share of the floor's requests per second
QUERY_GOAL = 6  # SQL statements per register page, the same at every size
# Other processes' share of the CPU above which req/s and latencies are suspect.
BUSY_WARNING = 0.05


def summarise(settings, small, full, rounds, others_share):
    """Everything the run found, as one JSON-ready dict.

    `small` and `full` are (Built, PageQueries); `rounds` is {"floor"|"register": [Measurement]}.
    """
    floor = _route_figures(settings["floor_path"], rounds["floor"])
    register = _route_figures(settings["register_path"], rounds["register"])
    ratio = register["requests_per_second"] / floor["requests_per_second"]
    small_page, full_page = small[1], full[1]
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(_git("status", "--porcelain")),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "settings": settings,
        "other_processes_cpu_share": None if others_share is None else round(others_share, 3),
        "floor": floor,
        "register": register,
        "ratio": round(ratio, 4),
        "throughput_goal": THROUGHPUT_GOAL,
        "throughput_pass": ratio >= THROUGHPUT_GOAL,
        "small": _page_figures(*small),
        "full": _page_figures(*full),
        "query_goal": QUERY_GOAL,
        "queries_pass": small_page.count == full_page.count and full_page.count <= QUERY_GOAL,
    }


def _route_figures(path, measurements):
    """The median of each figure over the rounds, and every round as measured."""
    return {
        "path": path,
        "requests_per_second": statistics.median(m.requests_per_second for m in measurements),
        "p50_ms": statistics.median(m.p50_ms for m in measurements),
        "p95_ms": statistics.median(m.p95_ms for m in measurements),
        "server_cpu_ms_per_request": _median_or_none(m.server_cpu_ms_per_request for m in measurements),
        "errors": sum(m.error_count for m in measurements),
        "rounds": [m.as_dict() for m in measurements],
    }


def _median_or_none(values):
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


def _page_figures(built, page):
    return {
        "providers": built.providers,
        "visits": built.visits,
        "build_seconds": round(built.seconds, 2),
        "providers_matched": page.providers_matched,
        "pages": page.pages,
        "queries": page.count,
        "statements": page.statements,
    }


def _git(*command):
    try:
        done = subprocess.run(["git", *command], check=False, cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return ""
    return done.stdout.strip()


def _verdict(passed):
    return "PASS" if passed else "FAIL"


def print_report(results, output):
    """The table a person reads at the end of the run."""
    settings, full, small = results["settings"], results["full"], results["small"]
    print(
        f"\nRegister benchmark: {full['providers']:,} providers, {full['visits']:,} visits "
        f"({settings['database']}, built in {full['build_seconds']:.1f} s); "
        f"gunicorn {settings['gunicorn_workers']} workers; "
        f"wrk {settings['wrk_connections']} connections, "
        f"{settings['rounds']} x {settings['seconds_per_measurement']} s per route (medians)"
    )
    print(f"Register page: {full['providers_matched']:,} providers matched, {full['pages']} pages\n")
    rows = [("floor", results["floor"]), ("register", results["register"])]
    width = max(len(figures["path"]) for _, figures in rows) + 12
    print(f"{'route':<{width}} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms/req':>11}")
    for name, figures in rows:
        cpu = figures["server_cpu_ms_per_request"]
        cpu_text = "-" if cpu is None else f"{cpu:.2f}"
        errors = f"   {figures['errors']} errors" if figures["errors"] else ""
        print(
            f"{figures['path'] + f' ({name})':<{width}} {figures['requests_per_second']:>9.1f} "
            f"{figures['p50_ms']:>8.1f} {figures['p95_ms']:>8.1f} {cpu_text:>11}{errors}"
        )
    print(
        f"\nRegister throughput: {results['ratio']:.1%} of the floor "
        f"(goal {results['throughput_goal']:.0%} or more): {_verdict(results['throughput_pass'])}"
    )
    print(
        f"SQL queries per register page: {small['queries']} at {small['providers']:,} providers, "
        f"{full['queries']} at {full['providers']:,} providers "
        f"(goal: the same, {results['query_goal']} or fewer): {_verdict(results['queries_pass'])}"
    )
    others = results["other_processes_cpu_share"]
    if others is not None and not settings["database"].startswith("sqlite"):
        print(f"Other processes, the database server among them, used {others:.0%} of the CPU.")
    elif others is not None and others > BUSY_WARNING:
        print(
            f"Warning: other processes used {others:.0%} of the CPU while this measured, so "
            "req/s and latencies are low and noisy (CPU ms/req much less so). "
            "Run it again on a quiet machine."
        )
    shown = output.relative_to(ROOT) if output.is_relative_to(ROOT) else output
    print(f"Figures written to {shown}")
