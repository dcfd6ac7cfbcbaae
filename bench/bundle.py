"""The offline bundle (GET /api/offline-bundle) at 100 and at 30,000 placements in the authority.

    python -m bench.bundle [--sizes 100 30000]

For each size, a fresh SQLite database is built the way bench.data builds the register's
(1,000 providers and 3,000 visits from bench.population), with 200 schools. The benchmark
officer links 300 of the providers and 40 of the schools; each of those schools has a
school visit signed off 4 to 11 months ago and a few have a draft visit in progress, saved
through the app's own save path. The placements are spread over every school and the six
years before today, each lasting 3 weeks to a year (most are long over; the rest are
open, or ended recently), with a review for some.

Measured, in-process through Flask's test client, signed in through the sign-in form:
- the bundle's size as JSON and gzip-compressed (as a browser asks for it);
- its SQL query count (after a warm-up request);
- its server CPU per request against the sign-in page's (`GET /login`, signed out),
  each timed with time.process_time in rounds taken in turn, the median of each
  round's ratio.

Goals: at most 300 KB gzip at 30,000 placements, the same query count at both sizes,
and CPU at most 10 times the sign-in page's. Results go to bench-results/bundle.json.
"""

import argparse
import json
import random
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event, select, update

from bench import data
from bench.queries import signed_in_client
from qa_app import create_app
from qa_app.auth.models import School, User
from qa_app.extensions import db
from qa_app.framework.services import load_default_framework
from qa_app.placements.models import DESTINATIONS, REASONS, Placement, PlacementReview
from qa_app.providers.models import Provider
from qa_app.schemas import read
from qa_app.submission.services import save
from qa_app.visits.schemas import VisitBody

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results" / "bundle.json"
BUNDLE = "/api/offline-bundle"
PROVIDERS, VISITS, SCHOOLS = 1000, 3000, 200
OFFICERS_PROVIDERS, OFFICERS_SCHOOLS, DRAFTS = 300, 40, 8
YEARS = 6
GZIP_GOAL_BYTES = 300 * 1024
CPU_GOAL_RATIO = 10.0


def _placement_rows(rng, count, school_ids, provider_ids, officer_id, today):
    """`count` placements and their reviews, spread over the schools and six years."""
    placements, reviews = [], []
    for n in range(1, count + 1):
        start = today - timedelta(days=rng.randint(0, YEARS * 365))
        length = timedelta(days=rng.choice((21, 42, 90, 180, 270, 365)))
        ended = start + length if start + length < today else None
        placements.append(
            {
                "id": n,
                "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "version": 1,
                "school_id": rng.choice(school_ids),
                "provider_id": rng.choice(provider_ids),
                "pupil_ref": f"P{n:06d}",
                "year_group": rng.randint(7, 11),
                "reason": rng.choice(list(REASONS)),
                "start_date": start,
                "planned_end_date": start + length,
                "days_per_week": 5,
                "hours_per_week": rng.choice((10, 15, 25)),
                "part_time": False,
                "safeguarding_confirmation_received": start - timedelta(days=3),
                "objectives": "Return to the home school full time.",
                "provider_status_when_placed": "quality_assured",
                "ended_on": ended,
                "destination": rng.choice(list(DESTINATIONS)) if ended else None,
                "created_by_id": officer_id,
            }
        )
        if rng.random() < 0.5:
            reviews.append(
                {
                    "placement_id": n,
                    "review_date": start + timedelta(days=30),
                    "sessions_possible": 30,
                    "sessions_attended": 27,
                }
            )
    return placements, reviews


def _school_visit(officer, school, days_ago, status):
    """A school visit saved through the app's save path, then dated and set to `status`."""
    today = date.today()
    body = {"school_id": school.id, "visit_date": today.isoformat(), "status": "draft", "people_met": "SENCO"}
    visit, _ = save(officer, str(uuid.uuid4()), read(VisitBody, body).to_change())
    visit.visit_date, visit.status = today - timedelta(days=days_ago), status


def build(app, placements, seed=2026):
    """The authority: register, schools, the officer's school visits, `placements` placements."""
    data.build(app, PROVIDERS, VISITS, seed=seed)
    rng = random.Random(seed)
    today = date.today()
    with app.app_context():
        load_default_framework("school")
        officer = db.session.scalar(select(User).where(User.email == data.SIGN_IN_EMAIL))
        other = db.session.scalar(select(User).where(User.email == "officer2@example.org"))
        db.session.execute(
            update(Provider).where(Provider.id <= OFFICERS_PROVIDERS).values(officer_id=officer.id)
        )
        schools = [
            School(name=f"School {n:03d}", officer_id=(officer if n < OFFICERS_SCHOOLS else other).id)
            for n in range(SCHOOLS)
        ]
        db.session.add_all(schools)
        db.session.flush()
        for n, school in enumerate(schools[:OFFICERS_SCHOOLS]):
            _school_visit(officer, school, rng.randint(120, 330), "signed_off")
            if n < DRAFTS:
                _school_visit(officer, school, rng.randint(0, 10), "draft")
        rows, reviews = _placement_rows(
            rng, placements, [s.id for s in schools], list(range(1, PROVIDERS + 1)), officer.id, today
        )
        db.session.commit()
        with db.engine.begin() as connection:
            connection.execute(Placement.__table__.insert(), rows)
            if reviews:
                connection.execute(PlacementReview.__table__.insert(), reviews)


def _cpu_ms(send, requests):
    """CPU milliseconds per request of `send()`, over `requests` requests."""
    started = time.process_time()
    for _ in range(requests):
        send()
    return (time.process_time() - started) * 1000 / requests


def measure(app, rounds=7, requests=5):
    """Sizes, query count and CPU of the bundle, and the sign-in page's CPU."""
    officer = signed_in_client(app, data.SIGN_IN_EMAIL, data.SIGN_IN_PASSWORD)
    signed_out = app.test_client()
    zipped = officer.get(BUNDLE, headers={"Accept-Encoding": "gzip"})
    assert zipped.status_code == 200 and zipped.headers["Content-Encoding"] == "gzip"
    plain = officer.get(BUNDLE)
    with app.app_context():
        statements = []
        record = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", record)
        officer.get(BUNDLE)
        event.remove(db.engine, "before_cursor_execute", record)
    bundle = plain.get_json()
    ratios, bundle_ms, sign_in_ms = [], [], []
    for n in range(rounds):
        pair = [
            ("bundle", lambda: officer.get(BUNDLE, headers={"Accept-Encoding": "gzip"})),
            ("sign_in", lambda: signed_out.get("/login")),
        ]
        timed = {name: _cpu_ms(send, requests) for name, send in (pair if n % 2 else pair[::-1])}
        bundle_ms.append(timed["bundle"])
        sign_in_ms.append(timed["sign_in"])
        ratios.append(timed["bundle"] / timed["sign_in"])
    return {
        "json_bytes": len(plain.data),
        "gzip_bytes": len(zipped.data),
        "queries": len(statements),
        "placements_listed": len({p["uuid"] for s in bundle["schools"] for p in s["placements"]}),
        "providers": len(bundle["providers"]),
        "schools": len(bundle["schools"]),
        "bundle_cpu_ms": statistics.median(bundle_ms),
        "sign_in_cpu_ms": statistics.median(sign_in_ms),
        "cpu_ratio": statistics.median(ratios),
    }


def run(sizes):
    """Build and measure each size; {size: figures}."""
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            url = f"sqlite:///{folder}/bundle-{size}.sqlite"
            app = create_app(
                {"ENV_NAME": "development", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"}
            )
            started = time.perf_counter()
            build(app, size)
            print(f"Built {size:,} placements in {time.perf_counter() - started:.1f} s", flush=True)
            results[size] = measure(app)
            with app.app_context():
                db.engine.dispose()
    return results


def verdicts(results):
    """[(goal, figure, passed)] for the goals."""
    small, large = results[min(results)], results[max(results)]
    return [
        (
            f"gzip at {max(results):,} placements <= {GZIP_GOAL_BYTES // 1024} KB",
            f"{large['gzip_bytes'] / 1024:.0f} KB",
            large["gzip_bytes"] <= GZIP_GOAL_BYTES,
        ),
        (
            "queries the same at both sizes",
            f"{small['queries']} and {large['queries']}",
            small["queries"] == large["queries"],
        ),
        (
            f"CPU <= {CPU_GOAL_RATIO:.0f}x the sign-in page's",
            f"{large['cpu_ratio']:.1f}x ({large['bundle_cpu_ms']:.0f} ms / {large['sign_in_cpu_ms']:.1f} ms)",
            large["cpu_ratio"] <= CPU_GOAL_RATIO,
        ),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.bundle", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 30_000])
    results = run(parser.parse_args(argv).sizes)
    print(
        f"\n{'placements':>12} {'JSON':>9} {'gzip':>8} {'queries':>8} {'listed':>7} {'CPU ms':>7} {'x sign-in':>9}"
    )
    for size, r in results.items():
        print(
            f"{size:>12,} {r['json_bytes'] / 1024:>7.0f}KB {r['gzip_bytes'] / 1024:>6.0f}KB {r['queries']:>8}"
            f" {r['placements_listed']:>7} {r['bundle_cpu_ms']:>7.1f} {r['cpu_ratio']:>9.1f}"
        )
    print("\nIn-process figures; on a shared, loaded machine they are indicative only.")
    checks = verdicts(results)
    for goal, figure, passed in checks:
        print(f"{'PASS' if passed else 'FAIL'}  {goal}: {figure}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"results": results, "goals": checks}, indent=2, default=str))
    return 0  # a missed goal is a figure to read (PASS/FAIL above), not a failed run


if __name__ == "__main__":
    raise SystemExit(main())
