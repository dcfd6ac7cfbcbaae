"""Attendance from the providers' daily marks (docs/domain.md §2.10): a hand-computed week of
marks for five pupils through to the authority's table, a school's own and its CSV; a term
with marks is counted from them, a term without from the reviews, and the table says which."""

from datetime import date, datetime, timedelta

import pytest

from qa_app.dates import UK
from qa_app.extensions import db
from qa_app.placements.attendance import attendance_for
from qa_app.placements.marks import MarkEntry, save_marks
from tests.test_attendance import NONE, _csv_rows, _csv_shown, _page_rows, _shown

MONDAY = date(2026, 11, 30)
P, L, ILL, MED, AU, NE = (
    "present",
    "late",
    "absent_illness",
    "absent_medical",
    "absent_unknown",
    "not_expected",
)
# (school, provider, pupil, ten marks: Monday morning, Monday afternoon ... Friday afternoon)
WEEK = [
    ("North", "Oak", "P1", [P, P, P, P, P, P, P, P, P, P]),
    ("North", "Oak", "P2", [L, P, AU, AU, P, P, P, P, P, P]),
    ("North", "Elm", "P3", [P, P, P, P, P, P, NE, NE, NE, NE]),
    ("South", "Oak", "P4", [ILL, ILL, ILL, ILL, P, P, P, P, P, P]),
    ("South", "Elm", "P5", [P, P, P, P, P, P, MED, P, AU, AU]),
]  # fmt: skip
# Possible (all but not expected), attended (present, late), unauthorised (no known reason):
#   P1 10, 10, 0; P2 10, 8, 2; P3 6, 6, 0; P4 10, 6, 0; P5 10, 7, 2.
#   Authority: 46, 37, 4 -> 37/46 = 80.434..% -> 80.4; absence 19.6; 4/46 = 8.695..% -> 8.7.
#   A year earlier, autumn 2025-26 from one review: 50, 40, 5 -> 80.0, 20.0, 10.0; so
#   attendance up 0.4, absence down 0.4, unauthorised down 1.3. The review P1 has in autumn
#   2026-27 (60, 30, 0) is not counted: that term has marks.
AUTHORITY = [
    ("Autumn", "2025-26", "80.0", "20.0", "10.0", *NONE),
    ("Overall", "2025-26", "80.0", "20.0", "10.0", *NONE),
    ("Autumn", "2026-27", "80.4", "19.6", "8.7", "Up 0.4 points", "Down 0.4 points", "Down 1.3 points"),
    ("Overall", "2026-27", "80.4", "19.6", "8.7", "Up 0.4 points", "Down 0.4 points", "Down 1.3 points"),
]
SOURCES = ["Reviews", "Reviews", "Daily marks", "Daily marks"]
# South (P4, P5): 20, 13, 2 -> 65.0, 35.0, 10.0; South had no pupils a year earlier.
SOUTH = [
    ("Autumn", "2026-27", "65.0", "35.0", "10.0", *NONE),
    ("Overall", "2026-27", "65.0", "35.0", "10.0", *NONE),
]


@pytest.fixture
def week(make_user, make_provider, make_placement):
    """The week's placements, marks and reviews; the schools' users."""
    users = {name: make_user("school", school=f"{name} Academy") for name in ("North", "South")}
    providers = {name: make_provider(name=f"{name} Learning") for name in ("Oak", "Elm")}
    staff = {name: make_user("provider", provider=provider) for name, provider in providers.items()}
    common = {
        "start_date": "2026-11-02",
        "planned_end_date": "2027-02-12",
        "safeguarding_confirmation_received": "2026-10-28",
    }
    entries = {}  # (provider, day): the day's MarkEntry list, saved as the register page saves
    for school, provider, ref, marks in WEEK:
        reviews = []
        if ref == "P1":
            reviews = [{"review_date": "2026-12-04", "sessions_possible": 60, "sessions_attended": 30}]
        placement = make_placement(
            users[school].school,
            providers[provider],
            user=users[school],
            pupil_ref=ref,
            reviews=reviews,
            **common,
        )
        for n, mark in enumerate(marks):
            day = MONDAY + timedelta(days=n // 2)
            entries.setdefault((provider, day), []).append(MarkEntry(placement.id, ("am", "pm")[n % 2], mark))
    for (provider, day), day_entries in entries.items():
        save_marks(staff[provider], day, day_entries, today=MONDAY + timedelta(days=4))
    db.session.commit()
    make_placement(
        users["North"].school,
        providers["Oak"],
        user=users["North"],
        pupil_ref="OLD-1",
        start_date="2025-09-08",
        planned_end_date="2026-07-17",
        safeguarding_confirmation_received="2025-09-01",
        reviews=[
            {
                "review_date": "2025-11-20",
                "sessions_possible": 50,
                "sessions_attended": 40,
                "sessions_unauthorised": 5,
            }
        ],
    )
    return users


def test_a_week_of_marks_through_to_the_authority_table(week, client, signed_in):
    """The Head of Access's table, page and CSV give the figures worked out by hand above,
    and say where each row was counted from."""
    from qa_app.placements.scopes import placements_visible_to

    head = signed_in("head_of_access")
    rows = attendance_for(placements_visible_to(head))
    assert _shown(rows) == AUTHORITY
    assert [r.source_label for r in rows] == SOURCES
    assert [(r.sessions.possible, r.sessions.attended, r.sessions.unauthorised) for r in rows][2] == (
        46,
        37,
        4,
    )
    page = client.get("/placements/attendance").data.decode()
    assert _page_rows(page, sources=SOURCES) == AUTHORITY
    lines = _csv_rows(client.get("/placements/attendance.csv"))
    assert [_csv_shown(line) for line in lines[1:]] == AUTHORITY
    assert [line[11] for line in lines[1:]] == SOURCES


def test_a_school_sees_its_own_pupils_marks_only(week, client, signed_in):
    """South's staff see South's pupils' week, never North's, however they ask."""
    signed_in(week["South"])
    page = client.get("/placements/attendance").data.decode()
    assert _page_rows(page, sources=["Daily marks"] * 2) == SOUTH
    north = week["North"].school_id
    assert client.get(f"/placements/attendance?school_id={north}").status_code == 404
    lines = _csv_rows(client.get("/placements/attendance.csv"))
    assert [_csv_shown(line) for line in lines[1:]] == SOUTH


def test_a_new_review_is_pre_filled_from_the_marks_since_the_last_one(week, client, signed_in, monkeypatch):
    """P2's week: 10 possible, 8 attended (a late counts), 2 with no known reason, since the
    placement started; P1's review on the Friday leaves nothing since to fill in; P3's days
    not expected are not sessions possible."""
    from sqlalchemy import select

    from qa_app.placements import routes
    from qa_app.placements.models import Placement

    class Today(date):
        @classmethod
        def today(cls):
            return MONDAY + timedelta(days=4)

    monkeypatch.setattr(routes, "date", Today)
    signed_in(week["North"])
    uuids = dict(db.session.execute(select(Placement.pupil_ref, Placement.uuid)).all())

    def field(page, name):
        import re

        return re.search(rf'name="{name}" type="text" value="([^"]*)"', page).group(1)

    page = client.get(f"/placements/{uuids['P2']}/reviews/new").data.decode()
    assert [field(page, n) for n in ("sessions_possible", "sessions_attended", "sessions_unauthorised")] == [
        "10",
        "8",
        "2",
    ]
    assert "from 2 Nov 2026 to 4 Dec 2026: 10 possible, 8 attended (present or late), 2 absent" in page
    page = client.get(f"/placements/{uuids['P3']}/reviews/new").data.decode()
    assert [field(page, n) for n in ("sessions_possible", "sessions_attended")] == ["6", "6"]
    page = client.get(f"/placements/{uuids['P1']}/reviews/new").data.decode()
    assert 'id="from-marks"' not in page and field(page, "sessions_possible") == ""


def test_persistent_absence_this_term_for_the_authority_and_a_school(week, client, signed_in, monkeypatch):
    """On the Friday: P4 60% (6 of 10), P5 70%, P2 80% are under 90%, lowest first, none under
    50%; P1 and P3 attended every session possible. A school sees its own pupils only."""
    from qa_app.placements import attendance_pages

    class Today(date):
        @classmethod
        def today(cls):
            return MONDAY + timedelta(days=4)

    monkeypatch.setattr(attendance_pages, "date", Today)
    signed_in("head_of_access")
    page = client.get("/placements/attendance/absence").data.decode()
    assert "<strong>3</strong> pupils persistently absent" in page and "<strong>0</strong> severely" in page
    table = page.split('id="absence-table"', 1)[1]
    assert (
        table.index("P4") < table.index("P5") < table.index("P2") and "P1" not in table and "P3" not in table
    )
    assert "60.0%" in table and "6 of 10" in table and "Week of 30 Nov 2026" in table
    client.post("/logout")
    signed_in(week["South"])
    page = client.get("/placements/attendance/absence").data.decode()
    assert "<strong>2</strong> pupils" in page and "P2" not in page
    north = week["North"].school_id
    assert client.get(f"/placements/attendance/absence?school_id={north}").status_code == 404


def test_this_term_school_by_school_and_provider_by_provider(week, client, signed_in, monkeypatch):
    """On the Friday, from the marks: North (P1, P2, P3) 24 of 26 = 92.3%, 7.7, 2 of 26 = 7.7;
    South 65.0, 35.0, 10.0. Oak (P1, P2, P4) 24 of 30 = 80.0, 20.0, 2 of 30 = 6.7; Elm (P3,
    P5) 13 of 16 = 81.25 -> 81.3, 18.7, 2 of 16 = 12.5. Schools' staff see their own table."""
    import re

    from qa_app.placements import attendance_pages

    class Today(date):
        @classmethod
        def today(cls):
            return MONDAY + timedelta(days=4)

    monkeypatch.setattr(attendance_pages, "date", Today)

    def rows(page):
        body = page.split('id="attendance-by-table"', 1)[1].split("</table>", 1)[0].split("<tbody", 1)[1]
        return [
            tuple(
                re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            )
            for row in re.findall(r"<tr.*?</tr>", body, re.S)
        ]

    signed_in("head_of_access")
    assert rows(client.get("/placements/attendance/by-school").data.decode()) == [
        ("North Academy", "92.3%", "7.7%", "7.7%", "Daily marks"),
        ("South Academy", "65.0%", "35.0%", "10.0%", "Daily marks"),
    ]
    assert rows(client.get("/placements/attendance/by-provider").data.decode()) == [
        ("Elm Learning", "81.3%", "18.7%", "12.5%", "Daily marks"),
        ("Oak Learning", "80.0%", "20.0%", "6.7%", "Daily marks"),
    ]
    client.post("/logout")
    signed_in(week["South"])
    assert client.get("/placements/attendance/by-school").status_code == 403


def test_the_officer_sees_the_providers_marking_record_beside_the_attendance_criteria(
    week, client, signed_in, make_visit
):
    """Oak before a visit on Monday 7 December: no earlier visit, so six weeks back; its pupils
    P1, P2 and P4 were expected on the 25 school days from their start on 2 November, 150
    sessions, of which the week's 30 were marked; P2 was absent with no known reason twice,
    each an alert on the Tuesday; no school has recorded what it did yet."""
    from qa_app.alerts.record import marking_record
    from qa_app.alerts.services import raise_alerts
    from qa_app.providers.models import Provider

    raise_alerts(datetime(2026, 12, 1, 10, 30, tzinfo=UK))
    db.session.commit()
    oak = db.session.scalar(db.select(Provider).where(Provider.name == "Oak Learning"))
    record = marking_record(oak.id, date(2026, 12, 7))
    assert (record.first, record.last) == (date(2026, 10, 26), date(2026, 12, 4))
    assert (record.expected, record.marked, record.marked_percent, record.unexplained) == (150, 30, 20, 2)
    # Every session of the week was marked by then, so no alert for a pupil not marked.
    assert (
        record.pupils_not_marked,
        record.registers_not_marked,
        record.pupil_alerts,
        record.followed_up,
    ) == (
        0,
        0,
        2,
        0,
    )
    officer = signed_in("officer")
    oak.officer_id = officer.id
    db.session.commit()
    visit = make_visit(oak, status="draft", days_ago=0, officer=officer)
    for theme in ("PD", "SE"):
        page = client.get(f"/visits/{visit.uuid}/themes/{theme}").data.decode()
        assert page.count("data-marking-record=") == 1 and "The provider's daily registers" in page
    assert "data-marking-record=" not in client.get(f"/visits/{visit.uuid}/themes/SG").data.decode()
