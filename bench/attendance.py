"""`python -m bench.attendance`: the morning attendance alert job for a council's day, and
the authority's attendance table over a year of marks.

A fresh SQLite database gets 150 providers (each with an officer), 60 schools (each with a
member of staff), the Head of Access, and placements under way all year. Two measures:

1. **The alert job** (`alerts.services.raise_alerts`, as `flask attendance-alerts` runs it)
   at 10:30 on a school day, once with 200 pupils and once with 2,000 (the council's day).
   The morning is marked for most: 5% absent with no known reason, one provider in ten has
   marked nothing, and one pupil in twenty of the others is not marked. Timed once by the
   wall clock, its SQL statements counted. Goal: under 5 s for 2,000 pupils, with the same
   number of statements for 200 as for 2,000.
2. **The authority's attendance table** (`GET /placements/attendance`, the Head of Access)
   over the marks of every school day of a year for the 2,000 pupils (about 760,000
   sessions): its CPU per request in-process against the sign-in page's (`GET /login`,
   signed out), timed in alternating rounds as bench.cpu does. Goal: at most 3 times. The
   marks go in with bulk inserts, and the daily totals are recounted for each day as
   `save_marks` recounts them for each register it saves.
"""

import argparse
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert

from bench.queries import signed_in_client
from qa_app import create_app
from qa_app.alerts.services import raise_alerts
from qa_app.auth.models import School
from qa_app.auth.services import create_user
from qa_app.dates import UK
from qa_app.extensions import db
from qa_app.placements.attendance_totals import refresh_day_totals
from qa_app.placements.models import AttendanceMark, Placement
from qa_app.placements.registers import school_days
from qa_app.providers.models import Provider

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 5.0
GOAL_RATIO = 3.0
DAY = date(2026, 12, 8)  # a Tuesday in the autumn term
YEAR = (date(2025, 12, 8), DAY)  # a year of school days up to DAY
PASSWORD = "bench-password-1"
PROVIDERS, SCHOOLS = 150, 60


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.attendance", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pupils", type=int, default=2000, help="pupils in AP on the day")
    parser.add_argument("--rounds", type=int, default=9, help="rounds of the CPU comparison")
    parser.add_argument("--output", type=Path, default=ROOT / "bench-results" / "attendance.json")
    return parser.parse_args(argv)


def population(pupils):
    """Users, providers, schools and `pupils` placements under way all year; returns the
    placements' (id, school id, provider id) and a provider user to record marks."""
    head = create_user("head@bench.example.org", "Hana Head", "head_of_access", PASSWORD)
    officers = [
        create_user(f"officer{n}@bench.example.org", f"Officer {n}", "officer", PASSWORD) for n in range(15)
    ]
    db.session.execute(
        insert(Provider),
        [
            {
                "name": f"Bench Provider {n}",
                "address": f"{n} High Street",
                "postcode": "BR1 1AA",
                "borough": "Riverside",
                "registration_status": "ofsted_registered",
                "officer_id": officers[n % len(officers)].id,
            }
            for n in range(PROVIDERS)
        ],
    )
    db.session.execute(insert(School), [{"name": f"Bench School {n}"} for n in range(SCHOOLS)])
    providers = db.session.scalars(db.select(Provider.id).order_by(Provider.id)).all()
    schools = db.session.scalars(db.select(School.id).order_by(School.id)).all()
    for n in range(len(schools)):
        create_user(f"school{n}@bench.example.org", f"Staff {n}", "school", PASSWORD, f"Bench School {n}")
    marker = create_user(
        "provider@bench.example.org", "Pat Provider", "provider", PASSWORD, provider_id=providers[0]
    )
    db.session.flush()
    rng = random.Random(24)
    db.session.execute(
        insert(Placement),
        [
            {
                "uuid": f"00000000-0000-4000-8000-{n:012d}",
                "school_id": schools[n % SCHOOLS],
                "provider_id": providers[rng.randrange(PROVIDERS)],
                "pupil_ref": f"BP-{n:05d}",
                "year_group": 9,
                "looked_after": n % 25 == 0,
                "reason": "at_risk_of_exclusion",
                "start_date": YEAR[0] - timedelta(days=60),
                "planned_end_date": DAY + timedelta(days=200),
                "days_per_week": 5,
                "hours_per_week": 25,
                "created_by_id": head.id,
            }
            for n in range(pupils)
        ],
    )
    db.session.commit()
    rows = db.session.execute(db.select(Placement.id, Placement.school_id, Placement.provider_id)).all()
    return rows, marker.id


def mark_the_morning(placements, marker_id):
    """DAY's morning marks: one provider in ten marks nothing; of the others' pupils, 5%
    absent with no known reason and 5% not marked."""
    rng = random.Random(8)
    rows = []
    for placement_id, school_id, provider_id in placements:
        if provider_id % 10 == 0 or rng.random() < 0.05:
            continue
        mark = "absent_unknown" if rng.random() < 0.05 else "present"
        rows.append(_mark(placement_id, school_id, provider_id, DAY, "am", mark, marker_id))
    db.session.execute(insert(AttendanceMark), rows)
    refresh_day_totals(DAY)
    db.session.commit()


def _mark(placement_id, school_id, provider_id, day, session, mark, marker_id):
    return {
        "placement_id": placement_id,
        "school_id": school_id,
        "provider_id": provider_id,
        "day": day,
        "session": session,
        "mark": mark,
        "source": "register",
        "version": 1,
        "recorded_by_id": marker_id,
        "recorded_at": datetime(2026, 1, 1),
    }


def mark_the_year(placements, marker_id):
    """Both sessions of every school day of YEAR before DAY for every pupil; returns how many."""
    rng = random.Random(12)
    choices = (
        ["present"] * 88 + ["late"] * 3 + ["absent_illness"] * 4 + ["absent_unknown"] * 4 + ["not_expected"]
    )
    total = 0
    for day in school_days(YEAR[0], DAY - timedelta(days=1)):
        rows = [
            _mark(placement_id, school_id, provider_id, day, session, rng.choice(choices), marker_id)
            for placement_id, school_id, provider_id in placements
            for session in ("am", "pm")
        ]
        db.session.execute(insert(AttendanceMark), rows)
        refresh_day_totals(day)  # as save_marks does for each register it saves
        total += len(rows)
    db.session.commit()
    return total


def job(app):
    """(seconds, statements, raised) of one run of the alert job at 10:30 on DAY."""
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    db.session.rollback()
    event.listen(db.engine, "before_cursor_execute", before)
    try:
        started = time.perf_counter()
        raised = raise_alerts(datetime(DAY.year, DAY.month, DAY.day, 10, 30, tzinfo=UK))
        db.session.commit()
        seconds = time.perf_counter() - started
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return seconds, len(statements), raised


def cpu_ratio(app, rounds, requests=5):
    """Median over rounds of (the authority's table CPU / the sign-in page's CPU), and each
    one's median milliseconds."""
    head = signed_in_client(app, "head@bench.example.org", PASSWORD)
    anonymous = app.test_client()
    send = {
        "sign_in": lambda: anonymous.get("/login"),
        "table": lambda: head.get("/placements/attendance"),
    }
    for name, call in send.items():
        response = call()
        assert response.status_code == 200, (name, response.status_code, response.headers.get("Location"))
    ms = {name: [] for name in send}
    for number in range(rounds):
        for name in send if number % 2 == 0 else reversed(list(send)):
            gc.collect()
            started = time.process_time()
            for _ in range(requests):
                send[name]()
            ms[name].append((time.process_time() - started) * 1000 / requests)
    ratio = statistics.median(t / s for t, s in zip(ms["table"], ms["sign_in"], strict=True))
    return ratio, {name: statistics.median(values) for name, values in ms.items()}


def run(pupils, workdir, year=False, rounds=9):
    """A fresh database of `pupils`; the job's figures, and with `year` the table's."""
    app = create_app(
        {
            "ENV_NAME": "development",
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / f'{pupils}-{int(year)}.sqlite'}",
        }
    )
    with app.app_context():
        db.create_all()
        placements, marker = population(pupils)
        mark_the_morning(placements, marker)
        seconds, statements, raised = job(app)
        result = {"pupils": pupils, "seconds": seconds, "statements": statements, "alerts": raised.alerts}
        if year:
            started = time.perf_counter()
            result["sessions"] = mark_the_year(placements, marker)
            result["marking_seconds"] = time.perf_counter() - started
        db.session.remove()
    if year:
        # Outside the app context above: each request then has its own, as in a server
        # (inside, the signed-in user would be remembered from one client to the other).
        result["ratio"], result["ms"] = cpu_ratio(app, rounds)
    with app.app_context():
        db.engine.dispose()
    return result


def main(argv=None):
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="qa-bench-attendance-") as workdir:
        small = run(200, Path(workdir))
        full = run(args.pupils, Path(workdir), year=True, rounds=args.rounds)
    fast = full["seconds"] < GOAL_SECONDS
    same = small["statements"] == full["statements"]
    light = full["ratio"] <= GOAL_RATIO
    print("Attendance (SQLite)")
    print(
        f"  alert job, {full['pupils']} pupils: {full['seconds']:.2f} s, {full['statements']} SQL statements, "
        f"{full['alerts']} alerts (200 pupils: {small['statements']} statements, {small['alerts']} alerts)"
    )
    print(
        f"  goal: under {GOAL_SECONDS:.0f} s {'PASS' if fast else 'FAIL'}; statements independent of pupils {'PASS' if same else 'FAIL'}"
    )
    print(
        f"  authority's table over {full['sessions']:,} sessions: {full['ms']['table']:.1f} ms CPU against the "
        f"sign-in page's {full['ms']['sign_in']:.1f} ms: {full['ratio']:.1f} times"
    )
    print(f"  goal: at most {GOAL_RATIO:.0f} times {'PASS' if light else 'FAIL'}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps({"small": small, "full": full, "passed": fast and same and light}, indent=2, default=str)
    )
    return 0  # a missed goal is a FAIL in the table, as in the other benchmarks


if __name__ == "__main__":
    sys.exit(main())
