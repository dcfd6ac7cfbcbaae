"""The CSV import of placements: the template, the dry run's problems (nothing imported),
the import of every row in one transaction through save_placement, who imports for which
school, files that are not CSV or too large, and 2,000 rows at once."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from qa_app.escalations.models import Escalation
from qa_app.extensions import db
from qa_app.placements import import_file, imports
from qa_app.placements.models import Placement, PlacementImport

TODAY = date.today()
START = TODAY - timedelta(days=20)


@pytest.fixture
def world(make_user, make_provider, make_visit):
    """Two schools with staff, an officer, and two providers: one quality assured and
    registered, one of unknown registration."""
    head = make_user("head_of_access", email="head.i@example.org")
    good = make_provider(name="Green Lane Centre", registration_status="ofsted_registered", urn="654321")
    make_visit(good, rag="green", reviewer=head)
    return {
        "school_user": make_user("school", school="Alder School"),
        "other_user": make_user("school", school="Birch Academy"),
        "officer": make_user("officer", email="officer.i@example.org"),
        "head": head,
        "good": good,
        "unknown": make_provider(name="Back Room Tutors", registration_status="not_known"),
    }


def row(provider, n, **cells):
    """One row of the template as {column name: cell text}."""
    values = {
        "pupil_ref": f"Y9-{n:04d}",
        "year_group": "9",
        "ehc_plan": "no",
        "sen_support": "no",
        "looked_after": "no",
        "provider_id": provider.name,
        "commissioned_by": "school",
        "reason": "at_risk_of_exclusion",
        "start_date": START.isoformat(),
        "planned_end_date": (START + timedelta(days=90)).strftime("%d/%m/%Y"),
        "days_per_week": "5",
        "hours_per_week": "25",
        "weeks_per_year": "",
        "daytime": "",
        "main_education": "",
        "part_time": "no",
        "part_time_reason": "",
        "part_time_review_date": "",
        "attendance_code": "B",
        "safeguarding_confirmation_received": (START - timedelta(days=3)).isoformat(),
        "objectives": "Back to the home school full time, with support",
        "reintegration_timeline": "",
        "placing_reason": "",
    }
    values.update(cells)
    return values


def csv_bytes(rows, bom=True, columns=None):
    """The rows as a CSV file with the template's headings (or the given ones)."""
    out = io.StringIO()
    writer = csv.writer(out)
    headings = columns or [c.heading for c in import_file.COLUMNS]
    writer.writerow(headings)
    for values in rows:
        writer.writerow([values[c.name] for c in import_file.COLUMNS] if isinstance(values, dict) else values)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def upload(client, data, filename="placements.csv", **fields):
    """Post a file to the upload page."""
    return client.post(
        "/placements/import",
        data={"file": (io.BytesIO(data), filename), **fields},
        content_type="multipart/form-data",
    )


def placements():
    return db.session.scalar(select(func.count(Placement.id)))


def test_the_template_is_utf8_with_a_bom_and_lists_the_codes(client, signed_in):
    """One heading per field of the first record, in plain words with their codes."""
    signed_in("school")
    response = client.get("/placements/import/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    [headings] = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(headings) == len(import_file.COLUMNS) >= 20
    assert headings[0].startswith("Pupil reference")
    reason = next(h for h in headings if h.startswith("Reason ("))
    assert "permanent_exclusion" in reason and "awaiting_school_place" in reason
    assert any(h.startswith("Attendance code (B, D, K)") for h in headings)
    assert any(h.startswith("Commissioned by (school, local_authority)") for h in headings)
    page = client.get("/placements/import")
    assert (
        page.status_code == 200 and b'name="csrf_token"' in page.data and b"School</label>" not in page.data
    )


def test_a_dry_run_lists_each_rows_problems_and_imports_nothing(client, signed_in, world):
    """Row number, column and message for each problem; wrong column counts and unknown
    codes included; nothing is imported while any row has a problem."""
    signed_in(world["school_user"])
    good = world["good"]
    rows = [
        row(good, 1),
        row(good, 2, reason="expelled"),
        row(good, 3, attendance_code="X", hours_per_week="45"),
        ["Y9-0004", "9", "no"],
        row(good, 5, pupil_ref="John Smith"),
        row(good, 6, start_date="31/02/2026"),
        row(good, 7, planned_end_date=(START - timedelta(days=1)).isoformat()),
        row(good, 8, provider_id="999999"),
    ]
    response = upload(client, csv_bytes(rows))
    assert response.status_code == 400
    page = response.data.decode()
    assert "Nothing was imported" in page and "7 of 8 rows have problems" in page
    cells = re.findall(
        r'<td class="govuk-table__cell">([^<]*)</td>\s*<td class="govuk-table__cell">([^<]*)</td>\s*'
        r'<td class="govuk-table__cell">([^<]*)</td>',
        page,
    )
    by_row = {}
    for number, column, message in cells:
        by_row.setdefault(int(number), []).append((column, message))
    assert 2 not in by_row
    assert by_row[3] == [("Reason", by_row[3][0][1])] and "not a code we know" in by_row[3][0][1]
    assert ("Attendance code", by_row[4][0][1]) in by_row[4] and "&#39;X&#39; is not a code" in by_row[4][0][
        1
    ]
    assert any(column == "Hours a week" for column, _ in by_row[4])
    assert by_row[5] == [("Row", f"has 3 columns; the headings have {len(import_file.COLUMNS)}")]
    assert by_row[6][0][0] == "Pupil reference" and "never a name" in by_row[6][0][1]
    assert by_row[7][0][0] == "Start date" and "not a date" in by_row[7][0][1]
    assert by_row[8][0][0] == "Planned end date"
    assert by_row[9][0][0] == "Provider" and "not a provider on the register" in by_row[9][0][1]
    assert placements() == 0 and db.session.scalar(select(func.count(PlacementImport.id))) == 0


def test_a_clean_file_is_checked_then_imported_for_the_users_own_school(client, signed_in, world):
    """Dry run first (nothing saved), then one import: every row, for the school user's
    school whatever the form sends; the cross-school test runs once for the provider."""
    user = signed_in(world["school_user"])
    rows = [row(world["unknown"], n, placing_reason="The only place near the pupil's home") for n in range(5)]
    response = upload(client, csv_bytes(rows), school_id=str(world["other_user"].school_id))
    assert response.status_code == 302, response.data.decode()[:2000]
    assert placements() == 0 and db.session.scalars(select(Escalation)).all() == []
    confirm = client.get(response.headers["Location"])
    assert confirm.status_code == 200 and b"Import 5 placements" in confirm.data
    # Another user cannot see or use the file waiting to be imported.
    client.post("/logout")
    signed_in(world["other_user"])
    assert client.post(response.headers["Location"]).status_code == 404
    client.post("/logout")
    signed_in(user)
    done = client.post(response.headers["Location"])
    assert done.status_code == 302
    assert b"5 placements imported" in client.get(done.headers["Location"]).data
    saved = db.session.scalars(select(Placement)).all()
    assert len(saved) == 5 and {p.school_id for p in saved} == {user.school_id}
    [escalation] = db.session.scalars(select(Escalation)).all()
    assert escalation.source == "placements" and len(escalation.test_result["placements"]) == 5
    assert db.session.scalar(select(func.count(PlacementImport.id))) == 0
    # The same file again: each row is already there, so nothing more is imported.
    again = upload(client, csv_bytes(rows))
    assert again.status_code == 400 and b"already has a placement" in again.data and placements() == 5


def test_officers_choose_the_school(client, signed_in, world):
    """The authority's staff choose the school; without one, the form says so. An officer
    imports for the schools they visit (or at their providers)."""
    world["other_user"].school.officer = world["officer"]
    db.session.commit()
    signed_in(world["officer"])
    page = client.get("/placements/import").data.decode()
    assert "Alder School" in page and "Birch Academy" in page
    assert upload(client, csv_bytes([row(world["good"], 1)])).status_code == 400
    school_id = world["other_user"].school_id
    response = upload(client, csv_bytes([row(world["good"], 1)]), school_id=str(school_id))
    assert response.status_code == 302
    assert client.post(response.headers["Location"]).status_code == 302
    assert db.session.scalar(select(Placement.school_id)) == school_id


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (b"%PDF-1.7 not a spreadsheet", "placements.pdf", "must be a CSV file"),
        (b"PK\x03\x04 a workbook", "placements.csv", "not a CSV file"),
        (b"", "placements.csv", "The file is empty"),
        (b"Name,Age\nA,1\n", "placements.csv", "unknown columns: Name, Age"),
        (b"x" * (import_file.MAX_BYTES + 10), "placements.csv", "smaller than 5 MB"),
    ],
)
def test_a_file_that_is_not_a_csv_of_placements_gets_a_clear_message(
    client, signed_in, world, data, filename, message
):
    """Not CSV, empty, wrong headings or too large: the form says which, and nothing is saved."""
    signed_in(world["school_user"])
    response = upload(client, data, filename=filename)
    assert response.status_code == 400 and message in response.data.decode()
    assert "There is a problem" in response.data.decode() and placements() == 0


def test_the_upload_form_needs_its_csrf_token(make_app, make_user):
    """With CSRF on, an upload without the token is refused."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from qa_app.auth.services import create_user
        from tests.factories import PASSWORD

        create_user("csrf.i@example.org", "C", "school", PASSWORD, school_name="Alder School")
        db.session.commit()
        client = app.test_client()
        login = client.get("/login").data.decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
        client.post("/login", data={"email": "csrf.i@example.org", "password": PASSWORD, "csrf_token": token})
        refused = upload(client, csv_bytes([]))
        assert refused.status_code == 400 and b"The form had expired" in refused.data
        page = client.get("/placements/import").data.decode()
        assert re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)


def test_one_bad_row_and_none_is_imported(app, world):
    """All or nothing: the last of 100 rows is bad, so none of the 99 before it is kept."""
    user, provider = world["school_user"], world["good"]
    rows = [row(provider, n) for n in range(99)] + [row(provider, 99, reason="expelled")]
    refused = imports.import_rows(user, user.school_id, csv_bytes(rows).decode("utf-8-sig"))
    db.session.commit()
    assert not refused.ok and [p.row for p in refused.problems] == [101] and placements() == 0


def test_two_thousand_rows_import_in_one_transaction(app, world):
    """2,000 rows go through save_placement in one transaction (no commit until the caller's
    one). How long it takes is for the benchmarks, not this test."""
    from sqlalchemy import event

    user, provider = world["school_user"], world["good"]
    text = csv_bytes([row(provider, n) for n in range(2000)]).decode("utf-8-sig")
    commits = []

    def committed(connection):
        commits.append(connection)

    event.listen(db.engine, "commit", committed)
    try:
        checked = imports.import_rows(user, user.school_id, text)
        assert commits == [] and checked.ok and checked.rows == len(checked.saved) == 2000
        db.session.commit()
        assert len(commits) == 1
    finally:
        event.remove(db.engine, "commit", committed)
    assert placements() == 2000


def test_an_import_tells_the_officer_and_head_once_a_provider(app, world):
    """Rows placing pupils with a provider not known to be registered make one email for
    that provider, naming every pupil, not one email a row."""
    from qa_app.notifications.models import OutboxEmail

    user, unknown = world["school_user"], world["unknown"]
    rows = [row(unknown, n, placing_reason="Nearest to home") for n in range(3)] + [row(world["good"], 9)]
    assert imports.import_rows(user, user.school_id, csv_bytes(rows).decode("utf-8-sig")).ok
    db.session.commit()
    # (the world's signed-off visit has its own email, about the visit)
    emails = db.session.scalars(select(OutboxEmail).where(OutboxEmail.subject.contains(" placed "))).all()
    assert [e.subject for e in emails] == [
        "3 pupils placed with Back Room Tutors: not quality assured, not known"
    ]
    assert all(f"Y9-{n:04d}" in emails[0].body for n in range(3)) and "Y9-0009" not in emails[0].body
    assert "head.i@example.org" in emails[0].recipients


def test_the_dry_run_rolls_back_and_tests_nothing(app, world):
    """The dry run applies every rule (duplicates within the file too) and keeps nothing."""
    user = world["school_user"]
    rows = [row(world["unknown"], n, placing_reason="Near home") for n in range(5)]
    checked = imports.check(user, user.school_id, csv_bytes(rows + [rows[0]]).decode("utf-8-sig"))
    assert [(p.row, p.column) for p in checked.problems] == [(7, "Pupil reference")]
    assert placements() == 0 and db.session.scalars(select(Escalation)).all() == []
    assert imports.check(user, user.school_id, csv_bytes(rows).decode("utf-8-sig")).ok
    assert placements() == 0 and db.session.scalars(select(Escalation)).all() == []


def test_the_same_import_confirmed_twice_at_once_imports_once(app, client, signed_in, world, monkeypatch):
    """Two confirmations of one file at the same moment (a double click, two tabs): both
    load the waiting file before either imports; one imports it, the other is told it was
    already imported (no server error) and nothing is imported twice."""
    import threading

    user = signed_in(world["school_user"])
    rows = [row(world["good"], n) for n in range(3)]
    location = upload(client, csv_bytes(rows)).headers["Location"]
    both_loaded = threading.Barrier(2, timeout=30)
    real_waiting = imports.waiting_import

    def racing_waiting(*args):
        found = real_waiting(*args)
        both_loaded.wait()
        return found

    monkeypatch.setattr(imports, "waiting_import", racing_waiting)
    cookie = client.get_cookie("qa_session").value
    answers = []

    def confirm():
        other = app.test_client()
        other.set_cookie("qa_session", cookie)
        answers.append((other, other.post(location)))

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [a.status_code for _, a in answers] == [302, 302]
    db.session.expire_all()
    assert placements() == 3 and {p.school_id for p in db.session.scalars(select(Placement))} == {
        user.school_id
    }
    messages = " ".join(other.get(a.headers["Location"]).data.decode() for other, a in answers)
    assert "3 placements imported" in messages and "already imported" in messages


@pytest.mark.parametrize("step", ["check", "import_rows"])
def test_checking_and_importing_run_as_many_queries_for_500_rows_as_for_10(app, world, count_queries, step):
    """The school, the providers named, the school's placements and each provider's
    registration test are looked up once for the file, and the rows written together: the
    number of SQL statements does not grow with the rows."""
    user = world["school_user"]
    good, unknown = world["good"], world["unknown"]

    def statements(first, count):
        rows = [
            row(good if n % 2 else unknown, n, placing_reason="Nearest to home")
            for n in range(first, first + count)
        ]
        text = csv_bytes(rows).decode("utf-8-sig")
        db.session.rollback()  # each run starts as a request does, with nothing loaded
        with count_queries() as queries:
            checked = getattr(imports, step)(user, user.school_id, text)
        assert checked.ok and checked.rows == count, checked.problems[:3]
        return queries

    small, large = statements(0, 10), statements(1000, 500)
    assert len(small) == len(large), (small, large)
    assert len(large) < 40


def test_each_row_meets_the_save_paths_rules_on_the_provider(app, world):
    """A provider not quality assured needs the school's reason on every row that places
    there, as on the form; the message is save_placement's, under its column, checked once
    per provider but reported on each row."""
    user, unknown = world["school_user"], world["unknown"]
    rows = [row(unknown, 1), row(world["good"], 2), row(unknown, 3)]
    for run in (imports.check, imports.import_rows):
        checked = run(user, user.school_id, csv_bytes(rows).decode("utf-8-sig"))
        assert [(p.row, p.column) for p in checked.problems] == [
            (2, "Reason for placing"),
            (4, "Reason for placing"),
        ]
        assert "Back Room Tutors is not quality assured" in checked.problems[0].message
        assert placements() == 0


def test_the_provider_is_named_by_name_urn_or_ukprn_in_one_query(app, world, count_queries):
    """The template's Provider column takes the name, URN or UKPRN as the register shows
    them (any case or spacing); one query finds every provider of the file; a cell naming
    no provider, or two, is a problem for its row."""
    user, good = world["school_user"], world["good"]
    good.ukprn = "10012345"
    db.session.commit()
    cells = ["green  lane centre", "654321", "10012345", "GREEN LANE CENTRE"]
    rows = [row(good, n, provider_id=cell) for n, cell in enumerate(cells)]
    text = csv_bytes(rows).decode("utf-8-sig")
    with count_queries() as queries:
        checked = imports.import_rows(user, user.school_id, text)
    assert checked.ok and [p["provider_id"] for p in checked.saved] == [good.id] * 4
    assert len([q for q in queries if "lower(provider.name) IN" in q]) == 1
    db.session.rollback()

    refused = imports.import_rows(
        user, user.school_id, csv_bytes([row(good, 9, provider_id="Nowhere Ltd")]).decode("utf-8-sig")
    )
    assert [(p.column, p.message) for p in refused.problems] == [
        (
            "Provider",
            "'Nowhere Ltd' is not a provider on the register: use its name, URN or UKPRN as the register shows them",
        )
    ]
