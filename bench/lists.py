"""`python -m bench.lists`: every list page, for each role that sees it, at a small and a
large authority (2,000 providers, 50 schools, 30,000 placements with reviews, 1,000
referrals), and the CPU of a sign-in.

For each page and role it prints the SQL count at both sizes (goal: the same), the CPU per
request in-process at the large size as a multiple of the sign-in page's, timed in the same
rounds (goal: 3 times or less; 2.5 for the register, filtered and sorted as `make bench`
loads it), and the HTML size (goal: 300 KB or less). On SQLite, and on
PostgreSQL too when BENCH_DATABASE_URL is set. See bench/README.md.
"""

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import select

from bench import authority, data, report, save_cpu
from bench.pages import csrf_token
from bench.queries import page_queries, signed_in_client
from bench.run import REGISTER_PATH
from qa_app import create_app
from qa_app.auth.passwords import DEFAULT_PARAMS
from qa_app.extensions import db
from qa_app.providers.models import Provider

CPU_GOAL = 3.0  # a list page's CPU per request, as a multiple of the sign-in page's
# The register, filtered and sorted as `make bench` loads it, is held to a tighter goal.
CPU_GOALS = {REGISTER_PATH: 2.5}
HTML_GOAL_KB = 300
SIGN_IN_GOAL_MS = 60.0
EMAILS = {"officer": data.SIGN_IN_EMAIL, "head": data.HEAD_EMAIL, "school": authority.SCHOOL_EMAIL}
# (path, the roles that see it); the register's internal view is /providers.
PAGES = (
    ("/placements", ("school", "officer", "head")),
    ("/placements?q=Bench+School+01", ("head",)),
    ("/placements/attendance", ("school", "head")),
    ("/referrals", ("school", "officer", "head")),
    ("/referrals?q=R00", ("head",)),
    ("/programme", ("officer", "head")),
    ("/programme?q=School+01", ("head",)),
    ("/escalations", ("officer", "head")),
    ("/sign-off", ("head",)),
    ("/providers", ("officer", "school", "head")),
    (REGISTER_PATH, ("officer",)),
    ("/home", ("school",)),
    ("/dashboard", ("head",)),
)
# The parameters sign-in used before: argon2-cffi's defaults (64 MiB, 3 passes, 4 threads).
OLD_HASH = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}
SIZES = {
    "small": {"providers": 100, "visits": 500, "schools": 5, "placements": 100, "referrals": 10},
    "large": {"providers": 2_000, "visits": 10_000, "schools": 50, "placements": 30_000, "referrals": 1_000},
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.lists", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rounds", type=int, default=5, help="in-process rounds of each page and the sign-in page"
    )
    parser.add_argument("--requests", type=int, default=4, help="requests of each per round")
    parser.add_argument("--sign-ins", type=int, default=10, help="sign-ins timed")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL") or None)
    parser.add_argument("--wipe", action="store_true", help="empty a --database-url that has other tables")
    parser.add_argument("--output", type=Path, default=report.ROOT / "bench-results" / "lists.json")
    return parser.parse_args(argv)


def build(url, size, wipe):
    """A fresh database of this size; the app on it."""
    data.reset_database(url, wipe=wipe)
    app = create_app({"ENV_NAME": "development", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    started = time.perf_counter()
    figures = SIZES[size]
    data.build(app, figures["providers"], figures["visits"])
    built = authority.build(
        app, figures["schools"], figures["placements"], figures["referrals"], data.SIGN_IN_EMAIL
    )
    print(
        f"  {size}: {figures['providers']:,} providers, {built} in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return app


def clients(app):
    return {role: signed_in_client(app, email, data.SIGN_IN_PASSWORD) for role, email in EMAILS.items()}


def count_pages(app):
    """{(path, role): (SQL count, HTML bytes, status)}."""
    signed = clients(app)
    found = {}
    for path, roles in PAGES:
        for role in roles:
            counted = page_queries(app, signed[role], path)
            found[(path, role)] = (counted.count, len(counted.html.encode()), counted.status)
    return found, signed


def time_pages(app, signed, rounds, requests):
    """{(path, role): (page CPU ms, ratio to the sign-in page)}: each round times the sign-in
    page and the page one after the other, the order reversed every other round."""
    signed_out = app.test_client()

    def cpu(client, path):
        gc.collect()
        started = time.process_time()
        for _ in range(requests):
            client.get(path)
        return (time.process_time() - started) * 1000 / requests

    timed = {}
    for path, roles in PAGES:
        for role in roles:
            pages, ratios = [], []
            for number in range(rounds):
                if number % 2 == 0:
                    sign_in, page = cpu(signed_out, "/login"), cpu(signed[role], path)
                else:
                    page, sign_in = cpu(signed[role], path), cpu(signed_out, "/login")
                pages.append(page)
                ratios.append(page / sign_in)
            timed[(path, role)] = (statistics.median(pages), statistics.median(ratios))
    return timed


def change_a_provider(app, number):
    """A change the authority's kept figures watch (a provider's phone number, through the
    app's session): the next page counts its figures again."""
    with app.app_context():
        provider = db.session.scalars(select(Provider).order_by(Provider.id).limit(1)).one()
        provider.contact_phone = f"0161 496 {number % 10_000:04d}"
        db.session.commit()


def time_after_a_change(app, signed, rounds):
    """{(path, role): CPU ms of the first request after a change, ÷ the sign-in page}: what
    a page costs when its kept figures must be counted again (the median of `rounds`)."""
    signed_out = app.test_client()
    timed, number = {}, 0
    for path, roles in PAGES:
        for role in roles:
            ratios = []
            for _ in range(rounds):
                number += 1
                change_a_provider(app, number)
                gc.collect()
                started = time.process_time()
                signed[role].get(path)
                page = time.process_time() - started
                started = time.process_time()
                signed_out.get("/login")
                ratios.append(page / (time.process_time() - started))
            timed[(path, role)] = statistics.median(ratios)
    return timed


def time_sign_in(app, count):
    """CPU ms of one sign-in through the form (POST /login, the password checked with the
    app's Argon2id parameters), the median of `count`."""
    samples = []
    for _ in range(count):
        client = app.test_client()
        token = csrf_token(client.get("/login").get_data(as_text=True))
        form = {"csrf_token": token, "email": data.SIGN_IN_EMAIL, "password": data.SIGN_IN_PASSWORD}
        started = time.process_time()
        answer = client.post("/login", data=form)
        samples.append((time.process_time() - started) * 1000)
        if answer.status_code != 302:
            raise RuntimeError(f"Sign-in answered {answer.status_code}")
    return statistics.median(samples)


def hash_cpu(params, count=5):
    """CPU ms of one Argon2id verify with these parameters (all its threads), the median."""
    hasher = PasswordHasher(**params)
    made = hasher.hash("bench-password-1")
    samples = []
    for _ in range(count):
        started = time.process_time()
        hasher.verify(made, "bench-password-1")
        samples.append((time.process_time() - started) * 1000)
    return statistics.median(samples)


def run_on(url, args):
    small = build(url, "small", args.wipe)
    small_counts, _ = count_pages(small)
    with small.app_context():
        db.engine.dispose()
    large = build(url, "large", wipe=True)
    large_counts, signed = count_pages(large)
    print("  timing each page against the sign-in page in-process ...", flush=True)
    timed = time_pages(large, signed, args.rounds, args.requests)
    after_a_change = time_after_a_change(large, signed, args.rounds)
    sign_in = time_sign_in(large, args.sign_ins)
    print("  timing a visit's and a placement's save in-process ...", flush=True)
    saves = save_cpu.measure(large)
    with large.app_context():
        db.engine.dispose()
    rows = []
    for key, (count, size, status) in large_counts.items():
        small_count = small_counts[key][0]
        cpu_ms, ratio = timed[key]
        goal = CPU_GOALS.get(key[0], CPU_GOAL)
        rows.append(
            {
                "path": key[0],
                "role": key[1],
                "status": status,
                "sql_small": small_count,
                "sql_large": count,
                "cpu_ms": round(cpu_ms, 2),
                "cpu_ratio": round(ratio, 2),
                "after_a_change_ratio": round(after_a_change[key], 2),
                "cpu_goal": goal,
                "html_kb": round(size / 1024, 1),
                "pass": status == 200
                and small_count == count
                and ratio <= goal
                and size <= HTML_GOAL_KB * 1024,
            }
        )
    return {"pages": rows, "sign_in_cpu_ms": round(sign_in, 1), "save_cpu_ms": saves}


def print_report(results, hashing):
    for name, figures in results.items():
        print(
            f"\n{report.DATABASE_NAMES.get(name, name)}: list pages at 30,000 placements (CPU in-process, median)"
        )
        print(
            f"{'page':<34}{'role':<9}{'SQL small/large':>16}{'CPU ms':>9}{'÷ sign-in':>11}{'goal':>6}"
            f"{'HTML KB':>9}  result  {'after a change':>14}"
        )
        for row in figures["pages"]:
            print(
                f"{row['path']:<34}{row['role']:<9}{row['sql_small']:>7} / {row['sql_large']:<6}"
                f"{row['cpu_ms']:>9.1f}{row['cpu_ratio']:>10.2f}x{row['cpu_goal']:>5.1f}x{row['html_kb']:>9.1f}  "
                f"{'PASS' if row['pass'] else 'FAIL'}{'' if row['status'] == 200 else ' (' + str(row['status']) + ')'}"
                f"  {row['after_a_change_ratio']:>13.2f}x"
            )
        print(
            "(after a change: the first request after a provider changed, when the authority's kept "
            "figures are counted again; no goal)"
        )
        sign_in = figures["sign_in_cpu_ms"]
        verdict = "PASS" if sign_in <= SIGN_IN_GOAL_MS else "FAIL"
        print(
            f"A sign-in (POST /login), CPU ms: {sign_in:.1f}  goal {SIGN_IN_GOAL_MS:.0f} ms or less  {verdict}"
        )
        for kind, words in (
            ("visit", "a full visit (PUT /api/visits)"),
            ("placement", "a placement (PUT /api/placements)"),
        ):
            ms = figures["save_cpu_ms"][kind]
            verdict = "PASS" if ms <= save_cpu.GOAL_MS else "FAIL"
            print(f"Saving {words}, CPU ms: {ms:.1f}  goal {save_cpu.GOAL_MS:.0f} ms or less  {verdict}")
    print(
        f"\nArgon2id verify, CPU ms of all its threads: {hashing['now']:.1f} at {DEFAULT_PARAMS} "
        f"(before: {hashing['before']:.1f} at {OLD_HASH})"
    )


def main(argv=None):
    args = parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory(prefix="qa-bench-lists-") as workdir:
        databases = {"sqlite": f"sqlite:///{Path(workdir) / 'lists.sqlite'}"}
        if args.database_url:
            databases["postgresql"] = args.database_url
        for name, url in databases.items():
            print(f"\n== {report.DATABASE_NAMES.get(name, name)} ==", flush=True)
            results[name] = run_on(url, args)
    hashing = {"now": hash_cpu(DEFAULT_PARAMS), "before": hash_cpu(OLD_HASH)}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"databases": results, "argon2_verify_ms": hashing}, indent=2) + "\n")
    print_report(results, hashing)


if __name__ == "__main__":
    started = time.perf_counter()
    main(sys.argv[1:])
    print(f"bench.lists took {time.perf_counter() - started:.0f} s")
