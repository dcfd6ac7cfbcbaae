"""Attendance of pupils in AP (docs/domain.md §2.6): terms from configuration, the figures per term
against a hand-computed example, the chart, the CSVs, who sees which figures, and query
counts that stay the same as placements grow."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest

from qa_app.config import Config
from qa_app.extensions import db
from qa_app.placements.attendance import attendance_table, trend
from qa_app.placements.attendance_chart import attendance_chart
from qa_app.placements.exports import spreadsheet_cell
from qa_app.placements.models import Placement, PlacementReview
from qa_app.placements.terms import Term, WholeYear, check_term_dates, term_of

TERM_DATES = Config.TERM_DATES


# -- terms ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2025, 9, 3), Term(2025, 0)),  # autumn 2025-26's first day
        (date(2025, 9, 2), Term(2024, 2)),  # the day before: still summer 2024-25
        (date(2025, 12, 22), Term(2025, 0)),  # Christmas holiday: the term just ended
        (date(2026, 1, 4), Term(2025, 0)),  # the Sunday before spring starts
        (date(2026, 1, 5), Term(2025, 1)),
        (date(2026, 4, 10), Term(2025, 1)),  # Easter holiday
        (date(2026, 4, 13), Term(2025, 2)),
        (date(2026, 8, 31), Term(2025, 2)),
        (date(2030, 10, 1), Term(2030, 0)),  # a year not configured: 1 Sep, 1 Jan, 1 Apr
        (date(2031, 3, 31), Term(2030, 1)),
        (date(2031, 4, 1), Term(2030, 2)),
    ],
)
def test_a_review_counts_in_the_term_its_date_falls_in(day, expected):
    """Each date is in exactly one term; holidays belong to the term before them."""
    assert term_of(day, TERM_DATES) == expected


def test_term_dates_come_from_configuration():
    """An authority's own dates move a review from one term to another."""
    own = {"2025-26": {"autumn": date(2025, 9, 1), "spring": date(2025, 12, 15), "summer": date(2026, 4, 20)}}
    assert term_of(date(2025, 12, 16), TERM_DATES) == Term(2025, 0)
    assert term_of(date(2025, 12, 16), own) == Term(2025, 1)
    assert term_of(date(2026, 4, 14), own) == Term(2025, 1)
    assert Term(2025, 1).label == "Spring" and Term(2025, 1).year == "2025-26"


def test_the_default_term_dates_are_usable_and_bad_ones_are_named():
    """The shipped dates pass the check; misordered or misnamed ones are described."""
    assert check_term_dates(TERM_DATES) == []
    problems = check_term_dates(
        {
            "2025": {"autumn": date(2025, 9, 1)},
            "2026-27": {"autumn": date(2026, 9, 1), "spring": date(2026, 8, 1)},
            "2027-28": {"winter": date(2027, 12, 1)},
            "2028-29": {"autumn": "2028-09-04"},
            "2029-30": "autumn",
        }
    )
    assert problems == [
        "'2025' is not an academic year such as '2025-26'",
        "2026-27: autumn, spring and summer must start in that order within the year",
        "2027-28: unknown terms winter",
        "2028-29: each term's first day must be a date, such as date(2025, 9, 3)",
        "2029-30: give each term's first day, such as {'autumn': date(2025, 9, 3)}",
    ]
    assert check_term_dates(None) == check_term_dates({}) == []  # every year falls back
    assert check_term_dates([]) == [
        "TERM_DATES must map academic years such as '2025-26' to their terms' first days"
    ]


def test_an_app_with_bad_term_dates_does_not_start():
    """instance/config.py with terms out of order stops the app at start-up, saying why."""
    from qa_app import create_app

    bad = {"2025-26": {"autumn": date(2025, 9, 1), "spring": date(2025, 8, 1), "summer": date(2026, 4, 1)}}
    with pytest.raises(RuntimeError, match="2025-26: autumn, spring and summer must start in that order"):
        create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://", "TERM_DATES": bad})


def test_trend_says_up_down_same_or_no_figure():
    """The trend is the difference in points between the figures shown."""
    assert trend(Decimal("87.3"), Decimal("90.0")).text == "Down 2.7 points"
    assert trend(Decimal("91.0"), Decimal("90.0")).text == "Up 1.0 point"
    assert trend(Decimal("90.0"), Decimal("90.0")).text == "Same"
    assert trend(Decimal("90.0"), None).text == "No figure"


def test_the_seed_tables_figures_and_each_figures_trend():
    """Seed 001's "Measuring success": autumn 2024-25 at 69.7 / 30.3 / 14.6 and autumn 2025-26
    at 74.1 / 25.9 / 13.0; attendance up 4.4 points, absence down 4.4 and unauthorised absence
    down 1.6, each of them better; each year's overall row after its last term."""
    rows = attendance_table(
        [(date(2024, 10, 1), 1000, 697, 146), (date(2025, 10, 1), 1000, 741, 130)], TERM_DATES
    )
    assert _shown(rows) == [
        ("Autumn", "2024-25", "69.7", "30.3", "14.6", *NONE),
        ("Overall", "2024-25", "69.7", "30.3", "14.6", *NONE),
        ("Autumn", "2025-26", "74.1", "25.9", "13.0", "Up 4.4 points", "Down 4.4 points", "Down 1.6 points"),
        ("Overall", "2025-26", "74.1", "25.9", "13.0", "Up 4.4 points", "Down 4.4 points", "Down 1.6 points"),
    ]
    autumn = rows[2]
    trends = (autumn.trend, autumn.absence_trend, autumn.unauthorised_trend)
    assert [(t.arrow, t.verdict) for t in trends] == [
        ("\u2191", "better"),
        ("\u2193", "better"),
        ("\u2193", "better"),
    ]
    worse = trend(Decimal("12.0"), Decimal("10.0"), goal="down")
    assert (worse.text, worse.arrow, worse.verdict) == ("Up 2.0 points", "\u2191", "worse")
    assert trend(Decimal("5"), Decimal("5"), goal="down").verdict == ""
    assert [r.is_overall for r in rows] == [False, True, False, True]


def test_a_term_with_no_sessions_possible_has_no_row_and_no_trend_figure():
    """Reviews with nothing possible give no percentage, so a year on the trend has no figure."""
    rows = attendance_table([(date(2024, 10, 1), 0, 0, 0), (date(2025, 10, 1), 10, 9, 0)], TERM_DATES)
    assert [(r.term, r.attendance, r.trend.text) for r in rows] == [
        (Term(2025, 0), Decimal("90.0"), "No figure"),
        (WholeYear(2025), Decimal("90.0"), "No figure"),
    ]


# -- the hand-computed example -------------------------------------------------------------

# (school, provider, pupil reference, start, [(review date, possible, attended, unauthorised)])
EXAMPLE = [
    ("North", "Oak", "N-001", date(2024, 9, 9), [
        (date(2024, 10, 15), 60, 54, 2),
        (date(2024, 12, 20), 40, 30, 6),  # the last day of autumn 2024-25
        (date(2025, 2, 12), 100, 90, 4),
    ]),
    ("North", "Elm", "N-002", date(2024, 9, 16), [(date(2024, 11, 20), 70, 49, 14)]),
    ("North", "Oak", "N-001", date(2025, 9, 8), [(date(2025, 10, 20), 50, 45, 1)]),
    ("North", "Elm", "N-003", date(2025, 9, 10), [
        (date(2025, 11, 18), 60, 57, 0),
        (date(2026, 2, 10), 200, 175, 10),
    ]),
    ("South", "Oak", "S-001", date(2025, 9, 15), [
        (date(2025, 12, 22), 40, 36, 2),  # Christmas holiday: autumn 2025-26
        (date(2026, 1, 4), 10, 5, 5),  # the day before spring starts: still autumn
        (date(2026, 3, 20), 200, 174, 5),
    ]),
]  # fmt: skip

# Every placement: (term, year, attendance %, absence %, unauthorised %, trend).
# Autumn 2024-25: N-001 60+40, N-002 70 -> possible 170; attended 54+30+49 = 133;
#   unauthorised 2+6+14 = 22. 133/170 = 78.235..% -> 78.2; absence 100-78.2 = 21.8;
#   22/170 = 12.941..% -> 12.9. Autumn 2023-24 has no reviews: no figure.
# Spring 2024-25: N-001 100, 90, 4 -> 90.0, 10.0, 4.0; no spring 2023-24: no figure.
# Autumn 2025-26: N-001 50, N-003 60, S-001 40+10 -> possible 160; attended 45+57+36+5 = 143;
#   unauthorised 1+0+2+5 = 8. 143/160 = 89.375% -> 89.4; absence 10.6; 8/160 = 5.0.
#   Against autumn 2024-25: 89.4 - 78.2 = up 11.2 points.
# Spring 2025-26: N-003 200, S-001 200 -> 400; attended 175+174 = 349; unauthorised 10+5 = 15.
#   349/400 = 87.25% -> 87.3 (halves round up); absence 12.7; 15/400 = 3.75% -> 3.8.
#   Against spring 2024-25: 87.3 - 90.0 = down 2.7 points.
# Each year's overall row sums its terms. 2024-25: 170+100 = 270 possible; 133+90 = 223
#   attended; 22+4 = 26 unauthorised -> 82.592..% -> 82.6, 17.4, 9.629..% -> 9.6.
#   2025-26: 160+400 = 560; 143+349 = 492; 8+15 = 23 -> 87.857..% -> 87.9, 12.1,
#   4.107..% -> 4.1; against 2024-25: up 5.3, down 5.3, down 5.5.
# Each figure has its trend: autumn 2025-26's absence 10.6 against 21.8 is down 11.2 and its
#   unauthorised 5.0 against 12.9 down 7.9; spring 2025-26's 12.7 against 10.0 is up 2.7 and
#   3.8 against 4.0 down 0.2.
AUTHORITY = [
    ("Autumn", "2024-25", "78.2", "21.8", "12.9", "No figure", "No figure", "No figure"),
    ("Spring", "2024-25", "90.0", "10.0", "4.0", "No figure", "No figure", "No figure"),
    ("Overall", "2024-25", "82.6", "17.4", "9.6", "No figure", "No figure", "No figure"),
    ("Autumn", "2025-26", "89.4", "10.6", "5.0", "Up 11.2 points", "Down 11.2 points", "Down 7.9 points"),
    ("Spring", "2025-26", "87.3", "12.7", "3.8", "Down 2.7 points", "Up 2.7 points", "Down 0.2 points"),
    ("Overall", "2025-26", "87.9", "12.1", "4.1", "Up 5.3 points", "Down 5.3 points", "Down 5.5 points"),
]
AUTHORITY_SESSIONS = [
    (170, 133, 22),
    (100, 90, 4),
    (270, 223, 26),
    (160, 143, 8),
    (400, 349, 15),
    (560, 492, 23),
]
# North only: autumn 2024-25 as above (all North's): 78.2, 21.8, 12.9.
# Spring 2024-25: 90.0 as above. Autumn 2025-26: N-001 50, N-003 60 -> 110; 45+57 = 102;
#   1+0 = 1. 102/110 = 92.727..% -> 92.7; absence 7.3; 1/110 = 0.909..% -> 0.9;
#   92.7 - 78.2 = up 14.5 points; unauthorised 0.9 - 12.9 = down 12.0. Spring 2025-26:
#   N-003 200, 175, 10 -> 87.5, 12.5, 5.0; 87.5 - 90.0 = down 2.5 points; 5.0 - 4.0 = up 1.0.
#   Overall 2025-26: 310, 277, 11 -> 89.354..% -> 89.4, 10.6, 3.548..% -> 3.5; against 82.6,
#   17.4, 9.6: up 6.8, down 6.8, down 6.1.
NORTH = [
    AUTHORITY[0],
    AUTHORITY[1],
    AUTHORITY[2],
    ("Autumn", "2025-26", "92.7", "7.3", "0.9", "Up 14.5 points", "Down 14.5 points", "Down 12.0 points"),
    ("Spring", "2025-26", "87.5", "12.5", "5.0", "Down 2.5 points", "Up 2.5 points", "Up 1.0 point"),
    ("Overall", "2025-26", "89.4", "10.6", "3.5", "Up 6.8 points", "Down 6.8 points", "Down 6.1 points"),
]
# South only (S-001): autumn 2025-26 40+10 = 50; 36+5 = 41; 2+5 = 7 -> 82.0, 18.0, 14.0;
#   spring 2025-26 200, 174, 5 -> 87.0, 13.0, 2.5; overall 250, 215, 12 -> 86.0, 14.0, 4.8.
#   South had no pupils in AP a year earlier.
NONE = ("No figure",) * 3
SOUTH = [
    ("Autumn", "2025-26", "82.0", "18.0", "14.0", *NONE),
    ("Spring", "2025-26", "87.0", "13.0", "2.5", *NONE),
    ("Overall", "2025-26", "86.0", "14.0", "4.8", *NONE),
]
# Oak only: autumn 2024-25 N-001 100, 84, 8 -> 84.0, 16.0, 8.0; spring 2024-25 90.0, 10.0, 4.0;
#   overall 2024-25 200, 174, 12 -> 87.0, 13.0, 6.0;
#   autumn 2025-26 N-001 50 + S-001 50 = 100; 45+41 = 86; 1+7 = 8 -> 86.0, 14.0, 8.0,
#   86.0 - 84.0 = up 2.0 points, unauthorised the same; spring 2025-26 S-001 87.0, 13.0, 2.5,
#   87.0 - 90.0 = down 3.0, 2.5 - 4.0 = down 1.5; overall 2025-26 300, 260, 13 -> 86.666..%
#   -> 86.7, 13.3, 4.333..% -> 4.3; against 87.0, 13.0, 6.0: down 0.3, up 0.3, down 1.7.
OAK = [
    ("Autumn", "2024-25", "84.0", "16.0", "8.0", *NONE),
    ("Spring", "2024-25", "90.0", "10.0", "4.0", *NONE),
    ("Overall", "2024-25", "87.0", "13.0", "6.0", *NONE),
    ("Autumn", "2025-26", "86.0", "14.0", "8.0", "Up 2.0 points", "Down 2.0 points", "Same"),
    ("Spring", "2025-26", "87.0", "13.0", "2.5", "Down 3.0 points", "Up 3.0 points", "Down 1.5 points"),
    ("Overall", "2025-26", "86.7", "13.3", "4.3", "Down 0.3 points", "Up 0.3 points", "Down 1.7 points"),
]


@pytest.fixture
def example(make_user, make_provider, make_placement):
    """The example's placements, saved through the placement service; its users and records."""
    users = {name: make_user("school", school=f"{name} Academy") for name in ("North", "South")}
    providers = {name: make_provider(name=f"{name} Learning") for name in ("Oak", "Elm")}
    for school, provider, ref, start, reviews in EXAMPLE:
        make_placement(
            users[school].school,
            providers[provider],
            user=users[school],
            pupil_ref=ref,
            start_date=start.isoformat(),
            planned_end_date=(start + timedelta(days=300)).isoformat(),
            safeguarding_confirmation_received=start.isoformat(),
            reviews=[
                {
                    "review_date": day.isoformat(),
                    "sessions_possible": p,
                    "sessions_attended": a,
                    "sessions_unauthorised": u,
                }
                for day, p, a, u in reviews
            ],
        )
    return {"users": users, "providers": providers, "schools": {k: u.school for k, u in users.items()}}


def _shown(rows):
    """An attendance table as the strings the page and the CSV show."""
    return [
        (r.term.label, r.term.year, *(str(f) for f in r.figures()))
        + (r.trend.text, r.absence_trend.text, r.unauthorised_trend.text)
        for r in rows
    ]


def _page_rows(html, sources=None):
    """The rows of the attendance table on a page, as text; each row counted from the reviews
    unless `sources` says where each was counted from."""
    import re

    body = html.split('id="attendance-table"', 1)[1].split("</table>", 1)[0].split("<tbody", 1)[1]
    rows = []
    for row in re.findall(r"<tr.*?</tr>", body, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", re.sub(r'<span aria-hidden="true".*?</span>', "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        # Term, year, then each figure and its trend, and where it was counted from.
        cells = [re.sub(r" \((better|worse)\)$", "", cell.rstrip("%")) for cell in cells]
        assert cells[-1] == (sources[len(rows)] if sources else "Reviews")
        rows.append((*cells[:2], *cells[2:8:2], *cells[3:8:2]))
    return rows


def _csv_rows(response):
    """A CSV download's rows after the header; it starts with a byte-order mark."""
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def _csv_shown(line):
    """A CSV row of the attendance table as _shown gives it."""
    return (*line[:6], line[9], line[10])


def test_the_authority_table_matches_the_hand_computed_example(example, client, signed_in):
    """The dashboard's table, chart and CSV give the figures worked out by hand above."""
    from qa_app.placements.attendance import attendance_for
    from qa_app.placements.scopes import placements_visible_to

    head = signed_in("head_of_access")
    rows = attendance_for(placements_visible_to(head))
    assert _shown(rows) == AUTHORITY
    assert [
        (r.sessions.possible, r.sessions.attended, r.sessions.unauthorised) for r in rows
    ] == AUTHORITY_SESSIONS

    page = client.get("/dashboard").data.decode()
    assert _page_rows(page) == AUTHORITY
    assert "Autumn 2025-26: 89.4%" in page  # the chart's text summary
    assert page.count('class="app-attendance-chart__bar"') == 4

    lines = _csv_rows(client.get("/placements/attendance.csv"))
    assert lines[0][:6] == [
        "Term",
        "Year",
        "Attendance %",
        "Absence %",
        "Unauthorised absence %",
        "Trend in attendance against the same term a year earlier",
    ]
    assert lines[0][9:] == [
        "Trend in absence against the same term a year earlier",
        "Trend in unauthorised absence against the same term a year earlier",
        "Counted from",
    ]
    assert [_csv_shown(line) for line in lines[1:]] == AUTHORITY
    assert [tuple(int(n) for n in line[6:9]) for line in lines[1:]] == AUTHORITY_SESSIONS
    assert {line[11] for line in lines[1:]} == {"Reviews"}


def test_per_school_and_per_provider_tables_match_the_example(example, client, signed_in):
    """The Head of Access sees each school's and each provider's figures, on the page and as
    CSV (an officer sees those of the schools and providers in their own scope)."""
    signed_in("head_of_access")
    north, oak = example["schools"]["North"], example["providers"]["Oak"]
    page = client.get(f"/placements/attendance?school_id={north.id}").data.decode()
    assert "North Academy" in page and _page_rows(page) == NORTH
    lines = _csv_rows(client.get(f"/placements/attendance.csv?school_id={north.id}"))
    assert [_csv_shown(line) for line in lines[1:]] == NORTH

    page = client.get(f"/placements/attendance?provider_id={oak.id}").data.decode()
    assert _page_rows(page) == OAK
    provider_page = client.get(f"/providers/{oak.id}").data.decode()
    assert "Attendance of pupils placed here" in provider_page
    assert "Down 3.0 points (worse)" in provider_page and "Up 2.0 points (better)" in provider_page
    lines = _csv_rows(client.get(f"/placements/attendance.csv?provider_id={oak.id}"))
    assert [_csv_shown(line) for line in lines[1:]] == OAK


def test_a_school_sees_only_its_own_attendance(example, client, signed_in):
    """A school user gets their own school's figures, whatever they ask; another school's is a 404."""
    signed_in(example["users"]["South"])
    north = example["schools"]["North"]
    assert _page_rows(client.get("/placements/attendance").data.decode()) == SOUTH
    assert client.get(f"/placements/attendance?school_id={north.id}").status_code == 404
    assert client.get(f"/placements/attendance.csv?school_id={north.id}").status_code == 404
    # Narrowed to a provider, still only their own pupils there.
    oak = example["providers"]["Oak"]
    assert _page_rows(client.get(f"/placements/attendance?provider_id={oak.id}").data.decode()) == SOUTH
    lines = _csv_rows(client.get("/placements/attendance.csv"))
    assert [_csv_shown(line) for line in lines[1:]] == SOUTH
    # Nor does the provider page show them the authority's figures, or the list of pupils.
    assert "Attendance of pupils placed here" not in client.get(f"/providers/{oak.id}").data.decode()
    assert client.get("/placements/pupils-in-ap.csv").status_code == 403


def test_unknown_schools_and_providers_are_not_found(example, client, signed_in):
    """Asking for a school or provider that does not exist is a 404."""
    signed_in("head_of_access")
    assert client.get("/placements/attendance?school_id=99999").status_code == 404
    assert client.get("/placements/attendance.csv?provider_id=99999").status_code == 404
    assert client.get("/placements/attendance?school_id=north").status_code == 404
    assert client.get("/placements/attendance?provider_id=-1").status_code == 404
    assert client.get("/placements/attendance?school_id=99999999999999999999").status_code == 404


# -- the list of pupils in AP ---------------------------------------------------------------


def test_the_list_of_pupils_in_ap_for_the_register_of_children_not_in_school(
    client, signed_in, make_user, make_provider, make_placement
):
    """Placements under way today, one row each, with the fields the register needs; ended
    and not yet started placements are left out; no cell can start a formula."""
    school_user = make_user("school", school='=HYPERLINK("http://evil") Academy')
    school = school_user.school
    school.urn = "123456"
    provider = make_provider(name="+Plus Provider")
    today = date.today()
    start = today - timedelta(days=20)
    common = dict(
        user=school_user,
        start_date=start.isoformat(),
        planned_end_date=(start + timedelta(days=120)).isoformat(),
        safeguarding_confirmation_received=start.isoformat(),
    )
    make_placement(
        school, provider, pupil_ref="-Y10-1", year_group=10, days_per_week=3, hours_per_week=12.5, part_time=True,
        part_time_reason="Phased return after a long absence.",
        part_time_review_date=(today + timedelta(days=14)).isoformat(),
        attendance_code="D", ehc_plan=True, sen_support=False, looked_after=True, **common,
    )  # fmt: skip
    make_placement(school, provider, pupil_ref="Y11-2", year_group=11, **common)
    make_placement(
        school, provider, pupil_ref="ENDED-3", **common,
        end={"date": (today - timedelta(days=1)).isoformat(), "destination": "home_school_full_time"},
    )  # fmt: skip
    later = today + timedelta(days=7)
    make_placement(
        school, provider, pupil_ref="LATER-4", user=school_user, start_date=later.isoformat(),
        planned_end_date=(later + timedelta(days=60)).isoformat(), safeguarding_confirmation_received=today.isoformat(),
    )  # fmt: skip
    signed_in("head_of_access")
    lines = _csv_rows(client.get("/placements/pupils-in-ap.csv"))
    assert lines[0] == [
        "School", "School URN", "Pupil reference", "Year group", "Provider", "Start date",
        "Planned end date", "Days a week", "Hours a week", "Part-time timetable", "Attendance code",
        "EHC plan", "SEN support", "Looked after",
    ]  # fmt: skip
    name = '\'=HYPERLINK("http://evil") Academy'
    assert lines[1:] == [
        [name, "123456", "'-Y10-1", "10", "'+Plus Provider", start.isoformat(),
         (start + timedelta(days=120)).isoformat(), "3", "12.5", "Yes", "D", "Yes", "No", "Yes"],
        [name, "123456", "Y11-2", "11", "'+Plus Provider", start.isoformat(),
         (start + timedelta(days=120)).isoformat(), "5", "25", "No", "B", "No", "Yes", "No"],
    ]  # fmt: skip


def test_cells_that_would_start_a_formula_are_made_text():
    """= + - @ (and tab or carriage return) at the start of a cell get an apostrophe."""
    assert [spreadsheet_cell(v) for v in ("=1+1", "+44", "-5", "@SUM(A1)", "\tx", "\rx", "Safe", 12, None)] == [
        "'=1+1", "'+44", "'-5", "'@SUM(A1)", "'\tx", "'\rx", "Safe", "12", "",
    ]  # fmt: skip


# -- the chart -----------------------------------------------------------------------------


def test_the_chart_draws_one_bar_per_term_from_the_table():
    """Bar heights follow the figures; the chart's summary repeats them in words."""
    rows = attendance_table([(date(2024, 10, 1), 100, 50, 0), (date(2025, 10, 1), 100, 100, 0)], TERM_DATES)
    chart = attendance_chart(rows)
    half, full = chart.bars
    assert full.height == pytest.approx(2 * half.height)
    assert full.y + full.height == chart.plot_bottom == half.y + half.height
    assert chart.summary == "Attendance by term: Autumn 2024-25: 50.0%; Autumn 2025-26: 100.0%."
    assert attendance_chart([]).summary == "No attendance recorded yet."


# -- query counts --------------------------------------------------------------------------


def _bulk_placements(first, last, school, provider, user):
    """Placements numbered first to last - 1, two reviews each, inserted directly (the volume
    test only: the service would run the registration test for every one)."""
    start = date(2025, 9, 8)
    for n in range(first, last):
        placement = Placement(
            uuid=f"00000000-0000-4000-8000-{n:012d}", school=school, provider=provider, created_by=user,
            pupil_ref=f"BULK-{n}", year_group=9, reason="other", start_date=start,
            planned_end_date=start + timedelta(days=200), days_per_week=5, hours_per_week=25,
        )  # fmt: skip
        placement.reviews = [
            PlacementReview(
                review_date=start + timedelta(days=30 + n % 40), sessions_possible=50, sessions_attended=45
            ),
            PlacementReview(
                review_date=start + timedelta(days=150 + n % 40), sessions_possible=40, sessions_attended=40
            ),
        ]
        db.session.add(placement)
    db.session.commit()


URLS = (
    "/dashboard",
    "/placements/attendance",
    "/placements/attendance?school_id={school}",
    "/placements/attendance.csv",
    "/placements/attendance.csv?provider_id={provider}",
    "/placements/pupils-in-ap.csv",
    "/providers/{provider}",
    "/placements/attendance/by-school",
    "/placements/attendance/by-provider",
    "/placements/attendance/absence",
)


def test_queries_stay_constant_from_10_to_1000_placements(
    client, signed_in, make_user, make_provider, count_queries
):
    """Each page and download runs the same number of SQL statements with 10 placements as
    with 1,000."""
    head = signed_in("head_of_access")
    school_user = make_user("school", school="Bulk Academy")
    provider = make_provider()
    counts = {}
    for first, last in ((0, 10), (10, 1000)):
        _bulk_placements(first, last, school_user.school, provider, head)
        for url in URLS:
            with count_queries() as queries:
                response = client.get(url.format(school=school_user.school_id, provider=provider.id))
            assert response.status_code == 200
            counts.setdefault(url, []).append(len(queries))
        # Autumn 2025-26: 45 of 50 sessions each; spring: 40 of 40.
        page = client.get("/placements/attendance").data.decode()
        # Overall: 85 of 90 sessions each -> 94.4%.
        assert _page_rows(page) == [
            ("Autumn", "2025-26", "90.0", "10.0", "0.0", *NONE),
            ("Spring", "2025-26", "100.0", "0.0", "0.0", *NONE),
            ("Overall", "2025-26", "94.4", "5.6", "0.0", *NONE),
        ]
    assert {url: n for url, n in counts.items() if n[0] != n[1]} == {}, counts
