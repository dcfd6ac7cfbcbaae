"""`make bench`: the signed-in register against the sign-in page, and saving a whole visit.

On SQLite, and on PostgreSQL too when BENCH_DATABASE_URL is set: builds a fresh
database, counts the SQL of the register and of the visit page at a small and a full
size, times the CPU of the sign-in page, the register and a save in-process, then serves
the app with gunicorn on 127.0.0.1 and loads /ping, the sign-in page, the register and
the sync API's PUT of a whole visit in turn with wrk (or a Python fallback).
See bench/README.md for how to read the figures.
"""

import argparse
import json
import os
import signal
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench import cpu, data, load, report, server, visits
from bench.machine import CpuWatch
from bench.pages import register_summary
from bench.queries import PageQueries, count_queries
from bench.visits import VisitPages
from qa_app import create_app
from qa_app.extensions import db

REGISTER_PATH = "/providers?borough=Riverside&qa_status=quality_assured&sort=rag"
FLOOR_PATH = "/ping"
SIGN_IN_PATH = "/login"  # signed out: the sign-in form, rendered from the same layout
SAVE_PATH = "/api/visits/"  # the Lua script adds a new visit UUID to each request


def parse_args(argv=None):
    """The command line; `make bench BENCH_ARGS="..."` passes these through."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    option = parser.add_argument
    option("--providers", type=int, default=10_000, help="providers in the full database")
    option("--visits", type=int, default=50_000, help="visits in the full database")
    option("--small-providers", type=int, default=100, help="providers in the small one")
    option("--duration", type=int, default=10, help="seconds per measurement")
    option("--rounds", type=int, default=3, help="measurements of each route, in turn")
    option("--warmup", type=int, default=3, help="unrecorded seconds per route first")
    option("--connections", type=int, default=8, help="the load generator's open connections")
    option("--workers", type=int, default=2, help="gunicorn workers")
    option("--path", default=REGISTER_PATH, help="the register URL to load")
    option("--cpu-requests", type=int, default=20, help="in-process requests per route per round")
    option("--cpu-rounds", type=int, default=15, help="in-process rounds of each route, in turn")
    option(
        "--load-generator",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="wrk (installed with apt-get as root when missing), the Python fallback, "
        "or auto: wrk when it can be had, else the fallback",
    )
    option(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or None,
        help="a PostgreSQL SQLAlchemy URL to run on as well as SQLite (default: "
        "$BENCH_DATABASE_URL); the benchmark drops and rebuilds its tables, so give it a "
        "database of its own",
    )
    option("--wipe", action="store_true", help="empty a --database-url that has other tables")
    option("--output", type=Path, default=report.ROOT / "bench-results" / "register.json")
    return parser.parse_args(argv)


def main(argv=None):
    """Run the whole benchmark on each database and print one table; the figures also
    go to --output as JSON."""
    args = parse_args(argv)
    # A SIGTERM (a CI time-out, say) then unwinds like Ctrl+C, so gunicorn is stopped too.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    generator = load.find_generator(args.load_generator)
    print(f"Load generator: {generator.label}", flush=True)
    results = {}
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as workdir:
        databases = {"sqlite": f"sqlite:///{Path(workdir) / 'bench.sqlite'}"}
        if args.database_url:
            databases["postgresql"] = args.database_url
        for name, url in databases.items():
            print(f"\n== {report.DATABASE_NAMES.get(name, name)} ==", flush=True)
            results[name] = run_on(url, generator, args, Path(workdir))
    figures = report.combine(results, generator.label)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    report.print_report(figures, args.output)


def run_on(url, generator, args, workdir):
    """Build, count, time in-process, serve and load on one database; its figures."""
    small_visits = round(args.visits * args.small_providers / args.providers)
    small = build_and_count(url, args.small_providers, small_visits, args.path, args.wipe)
    # The first build made the benchmark's tables, so the second may always drop them.
    full = build_and_count(url, args.providers, args.visits, args.path, wipe=True, cpu_args=args)
    body_file = workdir / "visit.json"
    body_file.write_text(json.dumps(full.save_body))
    saved_before = visits.visits_of(url, full.save_body["provider_id"])
    print(f"Serving with gunicorn ({args.workers} workers) ...", flush=True)
    log = workdir / "gunicorn.log"
    with server.gunicorn(url, log, workers=args.workers) as served:
        signed_in = server.sign_in(served.base, data.SIGN_IN_EMAIL, data.SIGN_IN_PASSWORD)
        check_served_page(served.base, args.path, signed_in.cookie, full.register)
        check_served_save(served.base, signed_in, full.save_body)
        targets = load_targets(served.base, args.path, signed_in, body_file)
        rounds, warmups, others_share = measure_in_turn(generator, served, targets, args)
        check_served_page(served.base, args.path, signed_in.cookie, full.register)
    saves = {
        "saved_in_database": visits.visits_of(url, full.save_body["provider_id"]) - saved_before,
        "saved_by_the_check": 1,
        "warmup": warmups["save"],
    }
    settings = {
        "database": url.split(":", 1)[0],
        "floor_path": FLOOR_PATH,
        "sign_in_path": SIGN_IN_PATH,
        "register_path": args.path,
        "save_path": "PUT /api/visits/<uuid>",
        "gunicorn_workers": args.workers,
        "load_generator": generator.label,
        "connections": args.connections,
        "seconds_per_measurement": args.duration,
        "rounds": args.rounds,
        "warmup_seconds": args.warmup,
        "in_process_requests_per_round": args.cpu_requests,
        "in_process_rounds": args.cpu_rounds,
    }
    return report.summarise(settings, small, full, rounds, saves, others_share)


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


@dataclass
class Database:
    """One database built, what was counted and timed on it in-process, and the visit the
    load saves."""

    built: data.Built
    register: PageQueries
    visit_pages: VisitPages
    save_body: dict
    in_process: cpu.InProcess | None = None


def build_and_count(url, providers, visit_count, path, wipe, cpu_args=None):
    """Build a fresh database of this size and count the register's and visit page's SQL;
    with `cpu_args`, time the routes' CPU in-process too."""
    print(f"Building {providers:,} providers and {visit_count:,} visits ...", flush=True)
    data.reset_database(url, wipe=wipe)
    app = create_app(
        {
            "ENV_NAME": "development",
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
        }
    )
    built = data.build(app, providers, visit_count)
    print(f"  built in {built.seconds:.1f} s; counting the register's and visit page's SQL ...", flush=True)
    page = count_queries(app, path, data.SIGN_IN_EMAIL, data.SIGN_IN_PASSWORD)
    if page.status != 200 or page.providers_matched is None:
        raise RuntimeError(f"{path} answered {page.status} in-process, not the register")
    # After the register's count, so the providers added here cannot change it.
    visit_pages = visits.count_visit_pages(app, data.SIGN_IN_EMAIL, data.SIGN_IN_PASSWORD)
    save_body = visits.add_sync_provider(app)
    in_process = None
    if cpu_args is not None:
        print(
            f"  timing the CPU of each route in-process ({cpu_args.cpu_rounds} x "
            f"{cpu_args.cpu_requests} requests) ...",
            flush=True,
        )
        paths = {"floor": FLOOR_PATH, "sign_in": SIGN_IN_PATH, "register": path}
        in_process = cpu.measure(
            app,
            paths,
            data.SIGN_IN_EMAIL,
            data.SIGN_IN_PASSWORD,
            visits.add_sync_provider(app, name="Bench In-process Provider"),
            requests=cpu_args.cpu_requests,
            rounds=cpu_args.cpu_rounds,
        )
        print("  " + ", ".join(f"{name} {ms:.2f} ms" for name, ms in in_process.ms.items()), flush=True)
    with app.app_context():
        db.engine.dispose()
    return Database(built, page, visit_pages, save_body, in_process)


def check_served_page(base, path, cookie, expected):
    """The served register answers the signed-in cookie with the page counted in-process."""
    status, html = server.get(base, path, cookie)
    summary = register_summary(html) if status == 200 else None
    wanted = (expected.providers_matched, expected.pages)
    if summary != wanted:
        raise RuntimeError(
            f"gunicorn served {path} with {status} and {summary}, expected 200 and "
            f"{wanted}: not signed in, or serving another database (instance/config.py?)"
        )


def _api_write_headers(signed_in):
    return {
        "Cookie": signed_in.cookie,
        "Content-Type": "application/json",
        "X-CSRFToken": signed_in.csrf_token,
    }


def load_targets(base, register_path, signed_in, body_file):
    """What the load generator loads: {"floor", "sign_in", "register", "save"}."""
    return {
        "floor": load.Target(base + FLOOR_PATH),
        "sign_in": load.Target(base + SIGN_IN_PATH),
        "register": load.Target(base + register_path, {"Cookie": signed_in.cookie}),
        "save": load.Target(base + SAVE_PATH, _api_write_headers(signed_in), body_file),
    }


def check_served_save(base, signed_in, body):
    """One PUT of the load's visit, as wrk will send it, answers 201 with every judgement."""
    headers = {**_api_write_headers(signed_in), "Idempotency-Key": str(uuid.uuid4())}
    path = f"{SAVE_PATH}{uuid.uuid4()}"
    status, answer = server.send(base, "PUT", path, headers, json.dumps(body).encode())
    saved = json.loads(answer) if status == 201 else {}
    if len(saved.get("judgements", ())) != len(body["judgements"]):
        raise RuntimeError(f"PUT {path} answered {status}, not 201 with the visit:\n{answer[:2000]}")


def measure_in_turn(generator, served, targets, args):
    """Warm each target up, then measure them in turn, the order reversed every other
    round (ABC CBA ...), so that drift in the machine's speed hits them alike.

    Returns ({name: [Measurement]}, {name: warm-up Measurement}, the share of the CPU
    other processes used meanwhile).
    """
    print(f"Warming up ({args.warmup} s a route) ...", flush=True)
    warmups = {
        name: load.measure(generator, target, args.warmup, args.connections)
        for name, target in targets.items()
    }
    rounds = {name: [] for name in targets}
    watch = CpuWatch(served)
    for number in range(args.rounds):
        order = list(targets) if number % 2 == 0 else list(reversed(targets))
        for name in order:
            cpu_before = served.cpu_seconds()
            measured = load.measure(generator, targets[name], args.duration, args.connections)
            cpu_after = served.cpu_seconds()
            if cpu_before is not None and cpu_after is not None and measured.requests:
                cpu_ms = (cpu_after - cpu_before) * 1000 / measured.requests
                measured.server_cpu_ms_per_request = round(cpu_ms, 3)
            rounds[name].append(measured)
            errors = f"  errors {measured.errors}" if measured.error_count else ""
            if measured.not_2xx:
                errors += f"  answers {measured.statuses}"
            print(
                f"  round {number + 1} {name:<9}{measured.requests_per_second:8.1f} req/s  "
                f"p50 {measured.p50_ms:6.1f} ms  p95 {measured.p95_ms:6.1f} ms{errors}",
                flush=True,
            )
    return rounds, warmups, watch.others_share()


if __name__ == "__main__":
    started = time.perf_counter()
    main(sys.argv[1:])
    print(f"Benchmark took {time.perf_counter() - started:.0f} s")
