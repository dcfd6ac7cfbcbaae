"""The benchmark's figures: medians, the goals, the JSON and the printed table (one column
per database)."""

import os
import platform
import statistics
import subprocess
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTER_GOAL = 3.0  # the register's CPU per request, as a multiple of the sign-in page's
SAVE_GOAL_MS = 8.0  # CPU per save of a whole visit
QUERY_GOAL = 6  # SQL statements per register page, the same at every size
# Other processes' share of the CPU above which req/s and latencies are suspect.
BUSY_WARNING = 0.05
DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
SERVED = (
    ("floor", "/ping"),
    ("sign_in", "sign-in page"),
    ("register", "register"),
    ("save", "save a visit"),
)


def summarise(settings, small, full, rounds, saves, others_share):
    """Everything one database's run found, as one JSON-ready dict.

    `small` and `full` are run.Database (`full` timed in-process); `rounds` is
    {"floor"|"sign_in"|"register"|"save": [Measurement]}; `saves` says how many visits
    the load saved, and holds the save's warm-up Measurement.
    """
    served = {name: _route_figures(settings[f"{name}_path"], rounds[name]) for name, _ in SERVED}
    saves = _save_check(saves, [saves["warmup"], *rounds["save"]], settings["connections"])
    visit_pages = {"small": small.visit_pages.counts(), "full": full.visit_pages.counts()}
    cpu = full.in_process.ms
    ratio = full.in_process.register_ratio()
    queries_pass = small.register.count == full.register.count and full.register.count <= QUERY_GOAL
    served_cpu = {name: figures["server_cpu_ms_per_request"] for name, figures in served.items()}
    return {
        "settings": settings,
        "other_processes_cpu_share": None if others_share is None else round(others_share, 3),
        "in_process_cpu_ms": cpu,
        "in_process_rounds": full.in_process.rounds,
        "register_ratio": round(ratio, 3),
        "register_goal": REGISTER_GOAL,
        "register_pass": ratio <= REGISTER_GOAL and queries_pass,
        "save_cpu_ms": cpu["save"],
        "save_goal_ms": SAVE_GOAL_MS,
        "save_pass": cpu["save"] <= SAVE_GOAL_MS,
        "small": _page_figures(small),
        "full": _page_figures(full),
        "query_goal": QUERY_GOAL,
        "queries_pass": queries_pass,
        "served": served,
        "served_register_ratio": (
            round(served_cpu["register"] / served_cpu["sign_in"], 3)
            if served_cpu["register"] and served_cpu["sign_in"]
            else None
        ),
        "saves": saves,
        "visit_page_queries": visit_pages,
        "visit_page_queries_pass": _same_per_state(visit_pages),
    }


def combine(results, generator):
    """The run's JSON: when, which commit, on what, and {database: figures}."""
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain")),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "load_generator": generator,
        "databases": results,
    }


def _save_check(saves, measurements, connections):
    """Visits in the database against the 201s the load generator saw: equal but for
    requests still in flight when a run stopped (at most one per connection per run)."""
    answered = sum(m.answers(201) for m in measurements)
    unanswered = saves["saved_in_database"] - saves["saved_by_the_check"] - answered
    return {
        "saved_in_database": saves["saved_in_database"],
        "saved_by_the_check": saves["saved_by_the_check"],
        "answered_201": answered,
        "unanswered_when_the_load_stopped": unanswered,
        "load_runs": len(measurements),
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


def git(*command):
    try:
        done = subprocess.run(["git", *command], check=False, cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return ""
    return done.stdout.strip()


def _verdict(passed):
    return "PASS" if passed else "FAIL"


def _ms(value):
    return "-" if value is None else f"{value:.2f}"


def _rows(databases):
    """(measure, [one cell per database], goal, [verdict per database, or None])."""
    each = list(databases.values())

    def cells(function):
        return [function(figures) for figures in each]

    rows = [
        (
            "Sign-in page (GET /login), CPU ms/request",
            cells(lambda f: _ms(f["in_process_cpu_ms"]["sign_in"])),
            "",
            None,
        ),
        ("Register, CPU ms/request", cells(lambda f: _ms(f["in_process_cpu_ms"]["register"])), "", None),
        (
            "Register / sign-in page, CPU, per round",
            cells(lambda f: f"{f['register_ratio']:.2f}x"),
            f"{REGISTER_GOAL:.0f}x or less, queries kept",
            cells(lambda f: f["register_pass"]),
        ),
        (
            "SQL queries per register page (small / full)",
            cells(lambda f: f"{f['small']['queries']} / {f['full']['queries']}"),
            f"the same, {QUERY_GOAL} or fewer",
            cells(lambda f: f["queries_pass"]),
        ),
        (
            "Saving a full visit, CPU ms",
            cells(lambda f: _ms(f["save_cpu_ms"])),
            f"{SAVE_GOAL_MS:.0f} ms or less",
            cells(lambda f: f["save_pass"]),
        ),
        (
            "/ping, CPU ms/request (for scale)",
            cells(lambda f: _ms(f["in_process_cpu_ms"]["floor"])),
            "",
            None,
        ),
    ]
    for name, label in SERVED:
        rows.append(
            (
                f"Served {label}: req/s",
                cells(lambda f, name=name: f"{f['served'][name]['requests_per_second']:.1f}"),
                "",
                None,
            )
        )
        rows.append(
            (
                f"Served {label}: CPU ms/request",
                cells(lambda f, name=name: _ms(f["served"][name]["server_cpu_ms_per_request"])),
                "",
                None,
            )
        )
    rows += [
        (
            "Served register / sign-in page, CPU",
            cells(
                lambda f: "-" if f["served_register_ratio"] is None else f"{f['served_register_ratio']:.2f}x"
            ),
            "",
            None,
        ),
        (
            "Visits the load saved = its 201s (+ in flight)",
            cells(_saves_cell),
            "every answer 2xx",
            cells(lambda f: f["saves"]["consistent"] and f["saves"]["all_2xx"]),
        ),
        (
            "SQL queries per visit page (draft / submitted)",
            cells(_visit_pages_cell),
            "the same at every size",
            cells(lambda f: f["visit_page_queries_pass"]),
        ),
    ]
    return rows


def _saves_cell(figures):
    saves = figures["saves"]
    return (
        f"{saves['saved_in_database']:,} = {saves['answered_201'] + saves['saved_by_the_check']:,}"
        f" + {saves['unanswered_when_the_load_stopped']}"
    )


def _visit_pages_cell(figures):
    counts = {
        (states["draft"], states["submitted"])
        for size in figures["visit_page_queries"].values()
        for states in size.values()
    }
    return ", ".join(f"{draft} / {submitted}" for draft, submitted in sorted(counts))


def print_report(figures, output):
    """The table a person reads at the end of the run: one column per database."""
    databases = figures["databases"]
    first = next(iter(databases.values()))
    settings, full, small = first["settings"], first["full"], first["small"]
    print(
        f"\nBenchmark: {full['providers']:,} providers and {full['visits']:,} visits "
        f"(small: {small['providers']:,}); register page {full['providers_matched']:,} providers "
        f"matched, {full['pages']} pages"
    )
    print(
        f"In-process CPU: medians of {settings['in_process_rounds']} rounds of "
        f"{settings['in_process_requests_per_round']} requests per route. Served: gunicorn "
        f"{settings['gunicorn_workers']} workers, {settings['rounds']} x {settings['seconds_per_measurement']} s "
        f"per route, {settings['connections']} connections"
    )
    print(f"Load generator: {figures['load_generator']}\n")
    rows = _rows(databases)
    names = [DATABASE_NAMES.get(name, name) for name in databases]
    width = max(len(row[0]) for row in rows) + 2
    columns = [max(len(name), *(len(row[1][n]) for row in rows)) + 2 for n, name in enumerate(names)]
    goal_width = max(len("goal"), *(len(row[2]) for row in rows)) + 2
    header = f"{'measure':<{width}}" + "".join(f"{name:>{w}}" for name, w in zip(names, columns, strict=True))
    print(header + f"  {'goal':<{goal_width}}result")
    for measure, values, goal, verdicts in rows:
        line = f"{measure:<{width}}" + "".join(
            f"{value:>{w}}" for value, w in zip(values, columns, strict=True)
        )
        result = "" if verdicts is None else " / ".join(_verdict(v) for v in verdicts)
        print(f"{line}  {goal:<{goal_width}}{result}".rstrip())
    for name, results in databases.items():
        _print_warning(DATABASE_NAMES.get(name, name), results)
    shown = output.relative_to(ROOT) if output.is_relative_to(ROOT) else output
    print(f"Figures written to {shown}")


def _print_warning(name, results):
    others = results["other_processes_cpu_share"]
    if others is None:
        return
    if results["settings"]["database"].startswith("postgresql"):
        print(f"{name}: other processes, the database server among them, used {others:.0%} of the CPU.")
    elif others > BUSY_WARNING:
        print(
            f"{name}: other processes used {others:.0%} of the CPU while the load ran, so "
            "req/s are low and noisy (CPU ms/request much less so). Run it again on a quiet machine."
        )
