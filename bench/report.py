"""The benchmark's figures: medians over the rounds, the goals, the JSON and the printed table."""

import os
import platform
import statistics
import subprocess
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THROUGHPUT_GOAL = 0.40  # the register's share of the floor's requests per second
SAVE_GOAL = 0.25  # saving a full visit (PUT), as a share of the floor's requests per second
QUERY_GOAL = 6  # SQL statements per register page, the same at every size
# Other processes' share of the CPU above which req/s and latencies are suspect.
BUSY_WARNING = 0.05


def summarise(settings, small, full, rounds, saves, others_share):
    """Everything the run found, as one JSON-ready dict.

    `small` and `full` are run.Database; `rounds` is {"floor"|"register"|"save": [Measurement]};
    `saves` says how many visits the load saved, and holds the save's warm-up Measurement.
    """
    floor = _route_figures(settings["floor_path"], rounds["floor"])
    register = _route_figures(settings["register_path"], rounds["register"])
    save = _route_figures(settings["save_path"], rounds["save"])
    ratio = register["requests_per_second"] / floor["requests_per_second"]
    save_ratio = save["requests_per_second"] / floor["requests_per_second"]
    saves = _save_check(saves, [saves["warmup"], *rounds["save"]], settings["wrk_connections"])
    visit_pages = {"small": small.visit_pages.counts(), "full": full.visit_pages.counts()}
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
        "small": _page_figures(small),
        "full": _page_figures(full),
        "query_goal": QUERY_GOAL,
        "queries_pass": small.register.count == full.register.count and full.register.count <= QUERY_GOAL,
        "save": save,
        "save_ratio": round(save_ratio, 4),
        "save_goal": SAVE_GOAL,
        "save_pass": save_ratio >= SAVE_GOAL and saves["all_2xx"],
        "saves": saves,
        "visit_page_queries": visit_pages,
        "visit_page_queries_pass": _same_per_state(visit_pages),
    }


def _save_check(saves, measurements, connections):
    """Visits in the database against the 201s wrk saw: equal but for requests still in
    flight when a wrk run stopped (at most one per connection per run)."""
    answered = sum(m.answers(201) for m in measurements)
    unanswered = saves["saved_in_database"] - saves["saved_by_the_check"] - answered
    return {
        "saved_in_database": saves["saved_in_database"],
        "saved_by_the_check": saves["saved_by_the_check"],
        "answered_201": answered,
        "unanswered_when_wrk_stopped": unanswered,
        "wrk_runs": len(measurements),
        "answers": _added(m.statuses for m in measurements),
        "all_2xx": all(m.not_2xx == 0 for m in measurements),
        "consistent": 0 <= unanswered <= connections * len(measurements),
    }


def _added(counts):
    total = {}
    for statuses in counts:
        for status, count in (statuses or {}).items():
            total[status] = total.get(status, 0) + count
    return total


def _same_per_state(visit_pages):
    """Each state of the page (draft, submitted) runs one count at every size and history."""
    by_state = {}
    for histories in visit_pages.values():
        for states in histories.values():
            for state, count in states.items():
                by_state.setdefault(state, set()).add(count)
    return all(len(counts) == 1 for counts in by_state.values())


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


def _page_figures(database):
    built, page = database.built, database.register
    return {
        "providers": built.providers,
        "visits": built.visits,
        "build_seconds": round(built.seconds, 2),
        "providers_matched": page.providers_matched,
        "pages": page.pages,
        "queries": page.count,
        "statements": page.statements,
        "visit_page_statements": {
            history: {state: visit_page.statements for state, visit_page in pages.items()}
            for history, pages in database.visit_pages.counted.items()
        },
    }


def _git(*command):
    try:
        done = subprocess.run(["git", *command], check=False, cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return ""
    return done.stdout.strip()


def _verdict(passed):
    return "PASS" if passed else "FAIL"


def _print_saves(saves):
    answers = ", ".join(f"{count:,} x {status}" for status, count in sorted(saves["answers"].items()))
    print(
        f"Visits the load saved: {saves['saved_in_database']:,} in the database = "
        f"{saves['answered_201']:,} answered 201 + {saves['saved_by_the_check']} by the check "
        f"before + {saves['unanswered_when_wrk_stopped']} in flight when wrk stopped "
        f"({saves['wrk_runs']} runs); answers: {answers}: "
        f"{_verdict(saves['consistent'] and saves['all_2xx'])}"
    )


def _print_visit_pages(results, small, full):
    pages = results["visit_page_queries"]
    print("SQL queries per visit page (its officer; fully judged; draft / submitted):")
    for history in pages["full"]:
        label = f"{history} earlier visit" + ("s" if history != 1 else "")
        sizes = ", ".join(
            f"{pages[size][history]['draft']} / {pages[size][history]['submitted']} "
            f"at {figures['providers']:,} providers"
            for size, figures in (("small", small), ("full", full))
        )
        print(f"  provider with {label}: {sizes}")
    print(
        "The visit page's query count does not grow with the number of criteria or past visits: "
        f"{_verdict(results['visit_page_queries_pass'])}"
    )


def print_report(results, output):
    """The table a person reads at the end of the run."""
    settings, full, small = results["settings"], results["full"], results["small"]
    print(
        f"\nBenchmark: {full['providers']:,} providers, {full['visits']:,} visits "
        f"({settings['database']}, built in {full['build_seconds']:.1f} s); "
        f"gunicorn {settings['gunicorn_workers']} workers; "
        f"wrk {settings['wrk_connections']} connections, "
        f"{settings['rounds']} x {settings['seconds_per_measurement']} s per route (medians)"
    )
    print(f"Register page: {full['providers_matched']:,} providers matched, {full['pages']} pages\n")
    rows = [("floor", results["floor"]), ("register", results["register"]), ("save a visit", results["save"])]
    width = max(len(f"{figures['path']} ({name})") for name, figures in rows) + 2
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
        f"Saving a full visit: {results['save_ratio']:.1%} of the floor's throughput "
        f"(goal {results['save_goal']:.0%} or more): {_verdict(results['save_pass'])}"
    )
    print(
        f"SQL queries per register page: {small['queries']} at {small['providers']:,} providers, "
        f"{full['queries']} at {full['providers']:,} providers "
        f"(goal: the same, {results['query_goal']} or fewer): {_verdict(results['queries_pass'])}"
    )
    _print_saves(results["saves"])
    _print_visit_pages(results, small, full)
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
