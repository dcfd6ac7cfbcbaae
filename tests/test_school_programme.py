"""The programme covers schools (docs/domain.md §2.7): a school with pupils at a provider that
is not quality assured, or not known to be registered, is due first with the reason;
otherwise a year (the school rules in force) after its last signed-off school visit; never
visited, now."""

from datetime import date, timedelta

import pytest

from qa_app.auth.models import School
from qa_app.dates import short_date
from qa_app.extensions import db
from qa_app.framework.services import load_default_framework
from qa_app.visits.school_programme import school_due
from tests.school_visits import make_school_visit


@pytest.fixture
def officer(app, make_user):
    load_default_framework("school")
    db.session.commit()
    return make_user("officer", name="Lena Officer")


def school_of(officer, name, make_user):
    """A school (with a staff user) whose link officer is `officer`."""
    staff = make_user("school", school=name)
    school = db.session.get(School, staff.school_id)
    school.officer_id = officer.id if officer else None
    db.session.commit()
    return school


def row_of(page, name):
    """The programme's table row of this school."""
    return page[page.index(f"{name}</a>") :].split("</tr>")[0]


def test_school_due_rule():
    """Concern first, then never visited, then the RAG's days after the last visit."""
    rules = {"next_visit_days": {"green": 365, "amber": 365, "red": 365}}
    last = date(2026, 1, 10)
    assert school_due(last, "green", rules, "Open placements at X") == (None, "Open placements at X")
    assert school_due(None, None, rules, None) == (None, "Never visited")
    assert school_due(last, "amber", rules, None) == (date(2027, 1, 10), "")
    assert school_due(last, "red", {"next_visit_days": {"red": 42}}, None) == (date(2026, 2, 21), "")


def test_the_officer_sees_their_schools_due_first_with_the_reason(
    client, login, officer, make_user, make_provider, make_placement, head_of_access
):
    """Ordering: the school with a pupil at an unregistered, never-visited provider first
    (with why), then the never-visited school, then the one visited 20 days ago (due in a
    year); another officer's school is not listed."""
    concern = school_of(officer, "Concern High", make_user)
    never = school_of(officer, "Never Visited Academy", make_user)
    visited = school_of(officer, "Visited School", make_user)
    school_of(make_user("officer"), "Someone Else's School", make_user)
    hub = make_provider(name="Fresh Start Hub", registration_status="unregistered")
    make_placement(concern, hub)
    make_school_visit(officer, concern, days_ago=30, reviewer=head_of_access())
    make_school_visit(officer, visited, days_ago=20, reviewer=head_of_access())
    login(officer)
    page = client.get("/programme").get_data(as_text=True)
    schools = page[page.index("data-schools") :]
    assert "Someone Else&#39;s School" not in schools
    assert (
        schools.index("Concern High")
        < schools.index("Never Visited Academy")
        < schools.index("Visited School")
    )
    concern_row = row_of(schools, "Concern High")
    assert "Now" in concern_row and "Fresh Start Hub" in concern_row
    assert "not quality assured" in concern_row and "unregistered" in concern_row
    assert "Never visited" in row_of(schools, "Never Visited Academy")
    due = date.today() - timedelta(days=20) + timedelta(days=365)
    visited_row = row_of(schools, "Visited School")
    assert str(due.year) in visited_row and "Overdue" not in visited_row and "Now" not in visited_row
    assert f'href="/schools/{never.id}"' in schools
    assert f'action="/schools/{never.id}/visits/new"' in row_of(schools, "Never Visited Academy")


def test_a_quality_assured_registered_provider_is_no_concern(
    client, login, officer, make_user, make_provider, make_placement, make_visit, head_of_access
):
    """A pupil at a registered provider with a green visit leaves the school on its yearly due date."""
    school = school_of(officer, "Calm School", make_user)
    provider = make_provider(name="Good Place", registration_status="ofsted_registered")
    make_visit(provider, rag="green")
    make_placement(school, provider)
    make_school_visit(officer, school, days_ago=20, reviewer=head_of_access())
    login(officer)
    row = row_of(client.get("/programme").get_data(as_text=True), "Calm School")
    assert "Good Place" not in row and "Now" not in row


def test_the_head_sees_every_school_and_continues_her_own_visit(
    client, login, officer, make_user, head_of_access
):
    """The Head of Access sees every school with its link officer; her own draft offers
    Continue visit, an officer's draft does not."""
    head = head_of_access()
    mine = school_of(officer, "Lena's School", make_user)
    unassigned = school_of(None, "Unassigned School", make_user)
    make_school_visit(officer, mine, status="draft", days_ago=1)
    draft = make_school_visit(head, unassigned, status="draft", days_ago=1)
    login(head)
    page = client.get("/programme").get_data(as_text=True)
    schools = page[page.index("data-schools") :]
    assert "Lena Officer" in row_of(schools, "Lena&#39;s School")
    assert "Start a school visit" in row_of(schools, "Lena&#39;s School")
    row = row_of(schools, "Unassigned School")
    assert "Continue visit" in row and f"/visits/{draft.uuid}" in row
    # Her draft is listed among the visits in progress by the school's name.
    assert "School visit" in page[: page.index("data-schools")]


def test_the_programme_takes_the_same_queries_for_1_and_15_schools(
    client, login, officer, make_user, make_provider, make_placement, head_of_access, count_queries
):
    """Due dates, concerns and open visits are found for every school without a query per school."""
    hub = make_provider(registration_status="unregistered")
    login(officer)

    def run():
        with count_queries() as queries:
            assert client.get("/programme").status_code == 200
        return len(queries)

    counts = []
    for n in (1, 15):
        while (
            db.session.scalar(
                db.select(db.func.count()).select_from(School).where(School.officer_id == officer.id)
            )
            < n
        ):
            i = db.session.scalar(db.select(db.func.count()).select_from(School))
            school = school_of(officer, f"School {i}", make_user)
            if i % 3 == 0:
                make_placement(school, hub)
            if i % 2 == 0:
                make_school_visit(officer, school, days_ago=30, reviewer=head_of_access())
            if i % 4 == 1:
                make_school_visit(officer, school, status="draft", days_ago=1)
        counts.append(run())
    assert counts[0] == counts[1], counts


def test_the_reason_counts_the_providers_of_concern_and_names_the_first_three(
    client, login, officer, make_user, make_provider, make_placement
):
    """A school placing with five providers of concern: the five counted, the three with the
    most pupils named (then by name), the other two only counted."""
    school = school_of(officer, "Busy School", make_user)
    for name, pupils in (("Alpha", 1), ("Bravo", 3), ("Charlie", 2), ("Delta", 2), ("Echo", 1)):
        provider = make_provider(name=f"{name} Base", registration_status="unregistered")
        for _ in range(pupils):
            make_placement(school, provider)
    login(officer)
    row = row_of(client.get("/programme").get_data(as_text=True), "Busy School")
    assert "Open placements at 5 providers of concern" in row and "and 2 more" in row
    assert (
        row.index("3 pupils at Bravo Base") < row.index("2 pupils at Charlie Base") < row.index("Delta Base")
    )
    assert "Alpha Base" not in row and "Echo Base" not in row


def test_a_school_is_due_from_its_latest_signed_off_visit(client, login, officer, make_user, head_of_access):
    """Of a school's signed-off visits, the latest sets when the next is due: one 400 days
    ago would make it overdue, the one 20 days ago after it does not."""
    school = school_of(officer, "Twice Visited School", make_user)
    make_school_visit(officer, school, days_ago=20, reviewer=head_of_access())
    make_school_visit(officer, school, days_ago=400, reviewer=head_of_access())
    login(officer)
    row = row_of(client.get("/programme").get_data(as_text=True), "Twice Visited School")
    latest = date.today() - timedelta(days=20)
    assert "Overdue" not in row and str((latest + timedelta(days=365)).year) in row
    assert short_date(latest) in row  # the last visit shown is the latest
