"""Providers' daily registers (docs/domain.md §2.10): which pupils a provider expects on a
school day, the marks saved in one request, the CSV upload and the school's export."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from qa_app.domain import Forbidden
from qa_app.extensions import db
from qa_app.placements.mark_exports import suggested_code
from qa_app.placements.marks import MarkEntry, save_marks
from qa_app.placements.models import AttendanceImport, AttendanceMark
from qa_app.placements.registers import is_school_day, placements_expected, school_days

MONDAY = date(2026, 11, 16)  # a week in the autumn term 2026-27
FRIDAY = date(2026, 11, 20)


@pytest.fixture
def places(make_user, make_provider, make_placement):
    """Two providers; at the first, three pupils of two schools with different dates."""

    def _make():
        ours, theirs = make_provider(name="Oak Tree AP"), make_provider(name="Elm AP")
        north = make_user("school", school="North School").school
        south = make_user("school", school="South School").school
        placed = {
            "whole": make_placement(
                north, ours, pupil_ref="N-1", start_date="2026-11-02", planned_end_date="2027-02-12"
            ),
            "starts_wednesday": make_placement(
                south, ours, pupil_ref="S-1", start_date="2026-11-18", planned_end_date="2027-02-12"
            ),
            "ended_tuesday": make_placement(
                north, ours, pupil_ref="N-2", start_date="2026-10-01", planned_end_date="2026-11-17"
            ),
            "elsewhere": make_placement(
                north, theirs, pupil_ref="N-3", start_date="2026-11-02", planned_end_date="2027-02-12"
            ),
        }
        return ours, theirs, placed

    return _make


def test_school_days_leave_out_weekends_bank_holidays_and_the_holidays(app):
    assert is_school_day(MONDAY)
    assert not is_school_day(date(2026, 11, 21))  # a Saturday
    assert not is_school_day(date(2026, 12, 25))  # Christmas Day, in the holiday too
    assert not is_school_day(date(2026, 10, 27))  # half term
    assert not is_school_day(date(2026, 5, 25)), "a bank holiday"
    assert school_days(date(2026, 10, 29), date(2026, 11, 3)) == [date(2026, 11, 2), date(2026, 11, 3)]


def test_a_provider_expects_its_own_pupils_on_the_days_of_their_placements(app, places):
    ours, theirs, placed = places()
    monday = placements_expected(ours.id, MONDAY)
    assert [p.pupil_ref for p in monday] == ["N-1", "N-2"]
    wednesday = placements_expected(ours.id, date(2026, 11, 18))
    assert [p.pupil_ref for p in wednesday] == ["N-1", "S-1"]  # by school, then reference
    assert placements_expected(ours.id, date(2026, 11, 21)) == []  # Saturday
    assert [p.pupil_ref for p in placements_expected(theirs.id, MONDAY)] == ["N-3"]


def test_one_mark_per_placement_day_and_session(app, places, make_user):
    ours, _, placed = places()
    staff = make_user("provider", provider=ours)
    placement = placed["whole"]
    fields = dict(
        placement_id=placement.id,
        provider_id=ours.id,
        school_id=placement.school_id,
        day=MONDAY,
        recorded_by_id=staff.id,
    )
    db.session.add(AttendanceMark(session="am", mark="present", **fields))
    db.session.add(AttendanceMark(session="pm", mark="late", **fields))
    db.session.commit()
    db.session.add(AttendanceMark(session="am", mark="absent_unknown", **fields))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(AttendanceMark(session="am", mark="away", **{**fields, "day": FRIDAY}))
    with pytest.raises(IntegrityError):
        db.session.commit()


# -- the register page ---------------------------------------------------------------------------


def _register(client, day):
    return client.get(f"/provider/register/{day.isoformat()}")


def _refs(page):
    return re.findall(r'data-pupil-ref="([^"]+)"', page.data.decode())


def _form(page):
    """The register form's fields as the page sent them: each select's chosen mark (blank
    when none) and each hidden version."""
    html = page.data.decode()
    fields = {}
    for name, options in re.findall(
        r'<select class="govuk-select" id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', html, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        fields[name] = chosen[1] if chosen else ""
    fields.update(dict(re.findall(r'<input type="hidden" name="(version-[^"]+)" value="(\d+)"', html)))
    return fields


def test_provider_staff_see_only_their_pupils_on_the_days_of_their_placements(app, client, signed_in, places):
    ours, theirs, placed = places()
    signed_in("provider", provider=ours)
    assert _refs(_register(client, MONDAY)) == ["N-1", "N-2"]
    wednesday = _register(client, date(2026, 11, 18))
    assert _refs(wednesday) == ["N-1", "S-1"]
    assert b"South School" in wednesday.data and b"N-3" not in wednesday.data
    saturday = _register(client, date(2026, 11, 21))
    assert saturday.status_code == 200 and _refs(saturday) == [] and b"not a school day" in saturday.data
    before = _register(client, date(2026, 10, 1))
    assert _refs(before) == ["N-2"]
    coming = _register(client, date.today() + timedelta(days=7))
    assert coming.status_code == 404 and _refs(coming) == []
    assert client.get("/provider/register/not-a-day").status_code == 404


def test_a_whole_register_is_saved_in_one_request(app, client, signed_in, places, count_queries):
    ours, _, placed = places()
    staff = signed_in("provider", provider=ours)
    fields = _form(_register(client, MONDAY))
    n1, n2 = placed["whole"].id, placed["ended_tuesday"].id
    assert fields == {
        f"mark-{n1}-am": "",
        f"mark-{n1}-pm": "",
        f"mark-{n2}-am": "",
        f"mark-{n2}-pm": "",
        f"version-{n1}-am": "0",
        f"version-{n1}-pm": "0",
        f"version-{n2}-am": "0",
        f"version-{n2}-pm": "0",
    }
    # "Mark everyone present" without scripts fills the blanks and saves nothing.
    filled = client.post(f"/provider/register/{MONDAY}", data={**fields, "fill": "am"})
    assert filled.status_code == 200 and b"Not saved yet" in filled.data
    assert _form(filled)[f"mark-{n1}-am"] == "present" and _form(filled)[f"mark-{n1}-pm"] == ""
    assert db.session.scalar(select(func.count(AttendanceMark.id))) == 0
    fields |= {
        f"mark-{n1}-am": "present",
        f"mark-{n1}-pm": "late",
        f"mark-{n2}-am": "absent_unknown",
        f"mark-{n2}-pm": "not_expected",
    }
    with count_queries() as queries:
        saved = client.post(f"/provider/register/{MONDAY}", data=fields)
    assert saved.status_code == 302, saved.data[:400]
    marks = {(m.placement_id, m.session): m for m in db.session.scalars(select(AttendanceMark))}
    assert {key: m.mark for key, m in marks.items()} == {
        (n1, "am"): "present",
        (n1, "pm"): "late",
        (n2, "am"): "absent_unknown",
        (n2, "pm"): "not_expected",
    }
    assert all(
        m.recorded_by_id == staff.id and m.version == 1 and m.source == "register" for m in marks.values()
    )
    assert all(m.school_id == placed["whole"].school_id and m.provider_id == ours.id for m in marks.values())
    inserts = [q for q in queries if q.lstrip().upper().startswith("INSERT INTO ATTENDANCE_MARK")]
    assert len(inserts) <= 1  # the four marks go in together
    page = client.get(saved.headers["Location"])
    assert b"Register saved: 4 marks recorded." in page.data and b"Last marked by" in page.data


def test_a_stale_page_cannot_overwrite_newer_marks(app, client, signed_in, places, make_user, login):
    ours, _, placed = places()
    first = signed_in("provider", provider=ours)
    second = make_user("provider", provider=ours)
    n1 = placed["whole"].id
    opened = _form(_register(client, MONDAY))  # the first person opens the register
    # Someone else marks N-1 absent meanwhile.
    client.post("/logout")
    login(second)
    theirs = _form(_register(client, MONDAY)) | {f"mark-{n1}-am": "absent_unknown"}
    assert client.post(f"/provider/register/{MONDAY}", data=theirs).status_code == 302
    client.post("/logout")
    login(first)
    # The first page, read before, would mark N-1 present: refused, and nothing of it saved.
    mine = opened | {f"mark-{n1}-am": "present", f"mark-{placed['ended_tuesday'].id}-am": "present"}
    refused = client.post(f"/provider/register/{MONDAY}", data=mine)
    assert refused.status_code == 409 and b"N-1" in refused.data and b"nothing was saved" in refused.data
    stored = db.session.scalars(select(AttendanceMark)).all()
    assert [(m.placement_id, m.mark, m.version) for m in stored] == [(n1, "absent_unknown", 1)]
    # The page now shows their mark with its version and keeps the rest of ours; saving it works.
    again = _form(refused)
    assert again[f"mark-{n1}-am"] == "absent_unknown" and again[f"version-{n1}-am"] == "1"
    assert again[f"mark-{placed['ended_tuesday'].id}-am"] == "present"
    assert client.post(f"/provider/register/{MONDAY}", data=again).status_code == 302
    assert db.session.scalar(select(func.count(AttendanceMark.id))) == 2


def test_a_past_day_is_corrected_and_the_version_moves_on(app, client, signed_in, places):
    ours, _, placed = places()
    signed_in("provider", provider=ours)
    n1 = placed["whole"].id
    fields = _form(_register(client, MONDAY)) | {f"mark-{n1}-am": "absent_unknown"}
    client.post(f"/provider/register/{MONDAY}", data=fields)
    corrected = _form(_register(client, MONDAY)) | {f"mark-{n1}-am": "absent_illness"}
    assert corrected[f"version-{n1}-am"] == "1"
    assert client.post(f"/provider/register/{MONDAY}", data=corrected).status_code == 302
    mark = db.session.scalar(select(AttendanceMark))
    assert (mark.mark, mark.version) == ("absent_illness", 2)


def test_a_provider_cannot_mark_another_providers_pupil_or_a_day_outside_the_placement(
    app, client, signed_in, places
):
    ours, _, placed = places()
    signed_in("provider", provider=ours)
    other = placed["elsewhere"].id
    fields = _form(_register(client, MONDAY))
    refused = client.post(
        f"/provider/register/{MONDAY}",
        data=fields | {f"mark-{other}-am": "present", f"version-{other}-am": "0"},
    )
    assert refused.status_code == 400 and b"not placed with you" in refused.data
    not_yet = placed["starts_wednesday"].id
    early = client.post(
        f"/provider/register/{MONDAY}", data={f"mark-{not_yet}-am": "present", f"version-{not_yet}-am": "0"}
    )
    assert early.status_code == 400
    unknown = client.post(
        f"/provider/register/{MONDAY}", data=fields | {f"mark-{placed['whole'].id}-am": "away"}
    )
    assert unknown.status_code == 400 and b"choose each from the list" in unknown.data
    assert db.session.scalar(select(func.count(AttendanceMark.id))) == 0


def test_saving_marks_is_for_provider_staff_only(app, places, make_user):
    ours, _, placed = places()
    school_user = make_user("school", school="North School")
    with pytest.raises(Forbidden):
        save_marks(school_user, MONDAY, [MarkEntry(placed["whole"].id, "am", "present", 0)])


# -- the CSV upload ---------------------------------------------------------------------------------


def _upload(client, text, name="marks.csv"):
    return client.post(
        "/provider/register/upload",
        data={"file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data",
    )


def test_the_csv_dry_run_lists_each_rows_problems_and_imports_nothing(app, client, signed_in, places):
    ours, _, placed = places()
    signed_in("provider", provider=ours)
    text = (
        "Pupil reference,School,Date,Session,Mark\n"
        "N-1,North School,2026-11-16,AM,/\n"  # fine
        "N-1,North School,16/11/2026,morning,present\n"  # the same session again
        "N-3,North School,2026-11-16,PM,present\n"  # another provider's pupil
        "S-1,South School,2026-11-16,AM,present\n"  # before the placement starts
        "N-2,North School,2026-11-21,AM,present\n"  # a Saturday
        "N-1,North School,2026-11-17,evening,maybe\n"  # no such session or mark
    )
    checked = _upload(client, text)
    assert checked.status_code == 400 and b"Nothing was imported" in checked.data
    rows = re.findall(r'data-problem-row="(\d+)"', checked.data.decode())
    assert sorted(set(rows)) == ["3", "4", "5", "6", "7"]
    assert (
        b"marked twice" in checked.data and b"No pupil N-3 of North School is placed with you" in checked.data
    )
    assert b"not a school day" in checked.data and b"is not morning or afternoon" in checked.data
    assert db.session.scalar(select(func.count(AttendanceMark.id))) == 0
    assert db.session.scalar(select(func.count(AttendanceImport.id))) == 0


def test_a_csv_file_with_no_problems_is_imported_after_its_dry_run(app, client, signed_in, places):
    ours, _, placed = places()
    staff = signed_in("provider", provider=ours)
    north = placed["whole"].school
    text = (
        "\ufeffSchool,Pupil reference,Date,Session,Mark\n"
        f"{north.name},N-1,2026-11-16,AM,/\n"
        "north school,n-1,16/11/2026,PM,L\n"
        "North School,N-2,2026-11-16,AM,N\n"
        "\n"
    )
    checked = _upload(client, text)
    assert checked.status_code == 302, checked.data[:600]
    confirm = client.get(checked.headers["Location"])
    assert b"Import 3 marks" in confirm.data
    assert db.session.scalar(select(func.count(AttendanceMark.id))) == 0  # not before confirming
    done = client.post(checked.headers["Location"])
    assert done.status_code == 302
    marks = {(m.placement_id, m.session): m for m in db.session.scalars(select(AttendanceMark))}
    assert {k: m.mark for k, m in marks.items()} == {
        (placed["whole"].id, "am"): "present",
        (placed["whole"].id, "pm"): "late",
        (placed["ended_tuesday"].id, "am"): "absent_unknown",
    }
    assert all(m.source == "csv" and m.recorded_by_id == staff.id for m in marks.values())
    # The same confirmation again imports nothing twice.
    assert client.post(checked.headers["Location"]).status_code == 404


def test_a_file_that_is_not_csv_is_refused(app, client, signed_in, places):
    ours, _, _ = places()
    signed_in("provider", provider=ours)
    refused = _upload(client, "Pupil,When\nN-1,today\n")
    assert refused.status_code == 400 and b"must be the headings" in refused.data


# -- the school's export ---------------------------------------------------------------------------


def test_the_export_gives_each_mark_a_code_for_the_schools_register(
    app, client, signed_in, make_user, make_provider, make_placement
):
    provider = make_provider(name="Oak Tree AP")
    school_user = make_user("school", school="North School")
    north = school_user.school
    south = make_user("school", school="South School").school
    b_pupil = make_placement(north, provider, pupil_ref="B-1", start_date="2026-11-02", attendance_code="B")
    k_pupil = make_placement(
        north,
        provider,
        pupil_ref="K-1",
        start_date="2026-11-02",
        attendance_code="K",
        commissioned_by="local_authority",
        days_per_week=3,
        hours_per_week=12,
        part_time=True,
        part_time_reason="Building up after a long absence",
        part_time_review_date="2026-12-18",
    )
    elsewhere = make_placement(south, provider, pupil_ref="S-1", start_date="2026-11-02")
    staff = make_user("provider", provider=provider)
    save_marks(
        staff,
        MONDAY,
        [
            MarkEntry(b_pupil.id, "am", "present"),
            MarkEntry(b_pupil.id, "pm", "late"),
            MarkEntry(k_pupil.id, "am", "absent_unknown"),
            MarkEntry(k_pupil.id, "pm", "not_expected"),
            MarkEntry(elsewhere.id, "am", "present"),
        ],
    )
    save_marks(staff, FRIDAY, [MarkEntry(b_pupil.id, "am", "absent_illness")])
    db.session.commit()
    signed_in(school_user)
    response = client.get(f"/schools/{north.id}/marks.csv?from=2026-11-16&to=2026-11-20")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == [
        "Pupil reference",
        "Provider",
        "Date",
        "Session",
        "Provider's mark",
        "Suggested code",
        "Note",
    ]
    assert [(r[0], r[2], r[3], r[5]) for r in rows[1:]] == [
        ("B-1", "2026-11-16", "Morning", "B"),
        ("B-1", "2026-11-16", "Afternoon", "B"),
        ("K-1", "2026-11-16", "Morning", ""),
        ("K-1", "2026-11-16", "Afternoon", "C2"),
        ("B-1", "2026-11-20", "Morning", ""),
    ]
    assert "follow up today" in rows[3][6] and rows[2][6] == "Attended, arrived late"
    assert b"S-1" not in response.data  # another school's pupil
    # Another school's marks are not this school user's to see.
    assert client.get(f"/schools/{south.id}/marks.csv").status_code == 404
    bad = client.get(f"/schools/{north.id}/marks.csv?from=2026-11-20&to=2026-11-16")
    assert bad.status_code == 302


def test_suggested_codes(app):
    assert suggested_code("present", "D", False)[0] == "D"
    assert suggested_code("late", "K", False)[0] == "K"
    assert suggested_code("not_expected", "B", True)[0] == "C2"
    assert suggested_code("not_expected", "B", False)[0] == ""
    for absent in ("absent_illness", "absent_medical", "absent_authorised", "absent_unknown"):
        assert suggested_code(absent, "B", False)[0] == ""


@pytest.mark.parametrize(
    "path",
    [
        "/provider/register/0001-01-01",
        "/provider/register/9999-12-31",
        "/provider/register?day=9999-12-31",
        "/provider/register?day=yesterday",
        f"/provider/register/{MONDAY}?page=99999999999999999999",
        f"/provider/register/{MONDAY}?page=-5",
    ],
)
def test_odd_days_and_pages_are_never_a_500(app, client, signed_in, places, path):
    ours, _, _ = places()
    signed_in("provider", provider=ours)
    assert client.get(path, follow_redirects=True).status_code in (200, 404)


@pytest.mark.parametrize(
    "field, value",
    [
        ("mark-99999999999999999999-am", "present"),
        ("mark-²-am", "present"),
        ("mark-{id}-evening", "present"),
        ("mark-{id}-am", "x" * 5000),
        ("version-{id}-am", "99999999999999999999"),
    ],
)
def test_junk_in_a_register_form_is_a_400_and_saves_nothing(app, client, signed_in, places, field, value):
    ours, _, placed = places()
    signed_in("provider", provider=ours)
    pid = placed["whole"].id
    data = {f"mark-{pid}-am": "present", f"version-{pid}-am": "0", field.format(id=pid): value}
    assert client.post(f"/provider/register/{MONDAY}", data=data).status_code == 400
    assert db.session.scalar(select(func.count(AttendanceMark.id))) == 0


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=2020-01-01&to=2026-11-20", b"Export at most a year of marks at a time"),
        ("from=soon", b"Enter the days as dates"),
        ("to=2026-11-01&from=2026-11-20", b"The first day must be on or before the last"),
        ("to=9999-12-31&from=0001-01-01", b"Export at most a year of marks at a time"),
    ],
)
def test_odd_export_days_are_refused_with_a_message(app, client, signed_in, make_user, query, message):
    school_user = make_user("school", school="North School")
    signed_in(school_user)
    response = client.get(f"/schools/{school_user.school_id}/marks.csv?{query}", follow_redirects=True)
    assert response.status_code == 200 and message in response.data


def test_the_register_page_reads_the_same_number_of_queries_however_many_pupils(
    app, client, signed_in, make_user, make_provider, make_placement, count_queries
):
    provider = make_provider(name="Oak Tree AP")
    north = make_user("school", school="North School").school
    staff = signed_in("provider", provider=provider)

    def read_with(pupils):
        for _ in range(pupils):
            placement = make_placement(north, provider, start_date="2026-11-02")
            save_marks(staff, MONDAY, [MarkEntry(placement.id, "am", "present")])
        db.session.commit()
        with count_queries() as queries:
            page = _register(client, MONDAY)
        assert len(_refs(page)) == len(placements_expected(provider.id, MONDAY))
        return len(queries)

    assert read_with(2) == read_with(6)


def test_two_saves_of_the_same_new_mark_at_once_save_one(app, places, make_user, monkeypatch):
    """The second of two saves that both read no mark meets the first's row: a Conflict, not a
    second mark or a 500."""
    from qa_app.domain import Conflict
    from qa_app.placements import marks

    ours, _, placed = places()
    staff = make_user("provider", provider=ours)
    save_marks(staff, MONDAY, [MarkEntry(placed["whole"].id, "am", "present", 0)])
    db.session.commit()
    monkeypatch.setattr(marks, "marks_for", lambda ids, day: {})  # as if read before the first saved
    with pytest.raises(Conflict):
        save_marks(staff, MONDAY, [MarkEntry(placed["whole"].id, "am", "absent_unknown", 0)])
    db.session.rollback()
    assert [m.mark for m in db.session.scalars(select(AttendanceMark))] == ["present"]


def test_any_register_form_is_answered_without_a_500(app, client, signed_in, places):
    """Generated names and values in a register's form: never a 500, and a mark saved only
    when it is one we know for a pupil on the register."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    ours, _, placed = places()
    signed_in("provider", provider=ours)
    pid = placed["whole"].id
    names = st.one_of(
        st.sampled_from([f"mark-{pid}-am", f"mark-{pid}-pm", f"version-{pid}-am", "fill", "page"]),
        st.text(max_size=30).map(lambda text: "mark-" + text),
    )
    values = st.one_of(
        st.sampled_from(["present", "late", "0", "1", "am", "", "²", "9" * 30]), st.text(max_size=30)
    )

    @given(data=st.dictionaries(names, values, max_size=6))
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def post(data):
        response = client.post(f"/provider/register/{MONDAY}", data=data)
        assert response.status_code in (200, 302, 400, 404, 409), (data, response.status_code)

    post()
