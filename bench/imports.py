"""`python -m bench.imports`: checking and importing a school's 5,000-row placement CSV.

A fresh SQLite database gets 50 providers (registered and quality assured, and not known
to be registered, so the rows that need a reason and the registration test across schools
are both exercised), 2,000 placements already recorded by other schools, and a school user.
The file is checked (the dry run) and then imported, through the same functions the import
pages call, each timed once by the wall clock with its SQL statements counted.
Goal: each under 5 seconds, with the same number of statements for 500 rows as for 5,000.
`--profile` prints the 25 costliest functions of each run (cProfile).
"""

import argparse
import cProfile
import csv
import io
import json
import pstats
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event

from qa_app import create_app
from qa_app.auth.models import School
from qa_app.auth.services import create_user
from qa_app.extensions import db
from qa_app.placements import import_file, imports
from qa_app.placements.models import Placement
from qa_app.providers.models import Provider
from qa_app.providers.services import save_provider

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 5.0
ROWS = 5000
START = date.today() - timedelta(days=20)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=ROWS, help="rows in the file")
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    parser.add_argument("--output", type=Path, default=ROOT / "bench-results" / "imports.json")
    return parser.parse_args(argv)


def population():
    """Providers, other schools' placements and the importing school's user; returns
    (user, providers)."""
    providers = []
    for n in range(50):
        assured = n % 2 == 0
        providers.append(
            save_provider(
                Provider(),
                {
                    "name": f"Bench Provider {n}",
                    "address": f"{n} High Street, Riverside",
                    "postcode": "BR1 1AA",
                    "borough": "Riverside",
                    "contact_name": "Alex Morgan",
                    "contact_email": "office@provider.example.org",
                    "registration_status": "ofsted_registered" if assured else "not_known",
                    "urn": "",
                    "services": ["ks4"],
                    "notes": "",
                },
            )
        )
    user = create_user("bench-school@example.org", "Sam Patel", "school", "bench-password-1", "Bench School")
    other = School(name="Other School")
    db.session.add(other)
    db.session.flush()
    db.session.add_all(
        Placement(
            uuid=f"00000000-0000-4000-8000-{n:012d}",
            school_id=other.id,
            provider_id=providers[n % 50].id,
            pupil_ref=f"OT-{n:05d}",
            year_group=9,
            reason="at_risk_of_exclusion",
            start_date=START,
            planned_end_date=START + timedelta(days=90),
            days_per_week=2,
            hours_per_week=6,
            objectives="Back to school",
            placing_reason="Known to us",
            provider_status_when_placed="quality_assured",
            created_by=user,
        )
        for n in range(2000)
    )
    db.session.commit()
    return user, providers


def csv_text(providers, rows):
    """A file of `rows` valid placements spread over the providers."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(column.heading for column in import_file.COLUMNS)
    for n in range(rows):
        values = {
            "pupil_ref": f"BS-{n:05d}",
            "year_group": "9",
            "provider_id": str(providers[n % len(providers)].id),
            "commissioned_by": "school",
            "reason": "at_risk_of_exclusion",
            "start_date": START.isoformat(),
            "planned_end_date": (START + timedelta(days=90)).strftime("%d/%m/%Y"),
            "days_per_week": "2",
            "hours_per_week": "6",
            "part_time": "no",
            "attendance_code": "B",
            "safeguarding_confirmation_received": (START - timedelta(days=3)).isoformat(),
            "objectives": "Back to the home school full time",
            "placing_reason": "The only place with a space this term",
        }
        writer.writerow(values.get(column.name, "") for column in import_file.COLUMNS)
    return out.getvalue()


@contextmanager
def counted():
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def measure(label, call, profile):
    """(seconds, statements, result) of one call, printing its profile when asked."""
    profiler = cProfile.Profile() if profile else None
    db.session.rollback()  # each run starts as a request does, with nothing loaded
    with counted() as statements:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        result = call()
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
    if profiler:
        print(f"\n-- {label} --")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return seconds, len(statements), result


def main(argv=None):
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="qa-bench-imports-") as workdir:
        app = create_app(
            {
                "ENV_NAME": "testing",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(workdir) / 'imports.sqlite'}",
            }
        )
        with app.app_context():
            db.create_all()
            user, providers = population()
            school_id = user.school_id
            small = csv_text(providers, 500)
            text = csv_text(providers, args.rows)
            _, small_check, _ = measure("check 500", lambda: imports.check(user, school_id, small), False)
            check_s, check_q, checked = measure(
                "check", lambda: imports.check(user, school_id, text), args.profile
            )
            assert checked.ok, checked.problems[:5]
            _, small_import, _ = measure(
                "import 500", lambda: imports.import_rows(user, school_id, small), False
            )
            import_s, import_q, imported = measure(
                "import", lambda: imports.import_rows(user, school_id, text), args.profile
            )
            assert imported.ok and len(imported.saved) == args.rows, imported.problems[:5]
            db.session.commit()
    passed = check_s < GOAL_SECONDS and import_s < GOAL_SECONDS
    same = (small_check, small_import) == (check_q, import_q)
    print(f"Placement import of {args.rows} rows (SQLite, wall clock, one run each)")
    print(f"  check:  {check_s:6.2f} s  {check_q:5d} SQL statements (500 rows: {small_check})")
    print(f"  import: {import_s:6.2f} s  {import_q:5d} SQL statements (500 rows: {small_import})")
    print(f"  goal: each under {GOAL_SECONDS:.0f} s  {'PASS' if passed else 'FAIL'}")
    print(f"  statements independent of the rows: {'PASS' if same else 'FAIL'}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "rows": args.rows,
                "check_seconds": round(check_s, 3),
                "import_seconds": round(import_s, 3),
                "check_statements": check_q,
                "import_statements": import_q,
                "check_statements_500": small_check,
                "import_statements_500": small_import,
                "passed": passed and same,
            },
            indent=2,
        )
    )
    return 0  # a missed goal is a FAIL in the table, as in the other benchmarks


if __name__ == "__main__":
    sys.exit(main())
