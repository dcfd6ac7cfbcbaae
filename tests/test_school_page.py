"""The school's page (/schools/<id>, docs/domain.md §2.7): its link officer, visits, placements by
provider with their QA status, and open actions; who may see it, and what each sees."""

from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from qa_app.auth.models import School
from qa_app.extensions import db
from qa_app.framework.services import load_default_framework
from qa_app.placements.models import Placement
from tests.school_visits import make_school_visit


@pytest.fixture
def school_setup(app, make_user, make_provider, make_placement, head_of_access):
    """A school with a link officer, staff, two placements (one at a provider that is not
    quality assured), a signed-off visit with an action and the officer's draft."""
    load_default_framework("school")
    db.session.commit()
    officer = make_user("officer", name="Lena Officer")
    staff = make_user("school", school="Hillside High")
    school = db.session.get(School, staff.school_id)
    school.officer_id = officer.id
    db.session.commit()
    unassured = make_provider(name="Fresh Start Hub", registration_status="unregistered")
    make_placement(school, unassured, pupil_ref="HH-001")
    make_placement(school, unassured, pupil_ref="HH-002", safeguarding_confirmation_received=None)
    due = (date.today() - timedelta(days=3)).isoformat()
    signed = make_school_visit(
        officer,
        school,
        days_ago=20,
        reviewer=head_of_access(),
        actions=[{"description": "Record each pupil's view at reviews", "owner": "school", "due": due}],
    )
    draft = make_school_visit(officer, school, status="draft", days_ago=1)
    return {"officer": officer, "staff": staff, "school": school, "signed": signed, "draft": draft}


def test_the_link_officer_sees_the_school_and_continues_their_visit(client, login, school_setup):
    """Details, link officer, both visits with links, the placements by provider and the
    open action (overdue); the officer's draft offers Continue visit."""
    s = school_setup
    login(s["officer"])
    page = client.get(f"/schools/{s['school'].id}").get_data(as_text=True)
    assert "Hillside High" in page and "Lena Officer" in page
    assert f"/visits/{s['signed'].uuid}" in page and f"/visits/{s['draft'].uuid}" in page
    assert "Fresh Start Hub" in page and "Not quality assured" in page and "Unregistered" in page
    assert "2 pupils in AP now" in page and "1 overdue item" in page
    assert f"/placements?school_id={s['school'].id}" in page
    assert "Record each pupil&#39;s view at reviews" in page and "overdue" in page
    assert "Continue visit" in page and f'href="/visits/{s["draft"].uuid}"' in page
    assert "Start a school visit" not in page
    assert f"/visits/{s['signed'].uuid}/report.pdf?edition=provider" in page


def test_a_school_with_no_open_visit_offers_to_start_one(client, signed_in, school_setup):
    """The Head of Access has no draft here: a form posting to the start route, with its token."""
    signed_in("head_of_access")
    page = client.get(f"/schools/{school_setup['school'].id}").get_data(as_text=True)
    assert f'action="/schools/{school_setup["school"].id}/visits/new"' in page
    assert 'name="csrf_token"' in page and "Start a school visit" in page
    assert "Continue visit" not in page


def test_school_staff_see_only_signed_off_visits_and_their_report(client, login, school_setup):
    """The school's own staff: signed-off visits only, no visit pages, the school's report;
    no button to start a visit."""
    s = school_setup
    login(s["staff"])
    page = client.get(f"/schools/{s['school'].id}").get_data(as_text=True)
    assert f"/visits/{s['signed'].uuid}/report.pdf?edition=provider" in page
    assert s["draft"].uuid not in page
    assert f'href="/visits/{s["signed"].uuid}"' not in page
    assert "Start a school visit" not in page and "Continue visit" not in page
    assert "Record each pupil&#39;s view at reviews" in page


def test_who_may_see_a_schools_page(client, signed_in, make_user, school_setup):
    """Another school's staff and an officer who does not visit it get 404; admins 403."""
    url = f"/schools/{school_setup['school'].id}"
    signed_in("school", school="Elsewhere Academy")
    assert client.get(url).status_code == 404
    client.post("/logout")
    signed_in("officer")
    assert client.get(url).status_code == 404
    client.post("/logout")
    signed_in("admin")
    assert client.get(url).status_code == 403
    assert client.get("/schools/99999").status_code == 403


def _queries(client, count_queries, url):
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def test_the_page_takes_the_same_queries_however_many_placements_and_visits(
    client, login, make_provider, make_user, school_setup, head_of_access, count_queries
):
    """More placements at more providers, and more visits, add no SQL queries."""
    s = school_setup
    url = f"/schools/{s['school'].id}"
    login(s["officer"])
    small = _queries(client, count_queries, url)
    providers = [make_provider().id for _ in range(4)]
    today = date.today()
    db.session.execute(
        insert(Placement),
        [
            {
                "uuid": f"00000000-0000-4000-8000-{i:012d}",
                "version": 1,
                "school_id": s["school"].id,
                "provider_id": providers[i % 4],
                "pupil_ref": f"B-{i:04d}",
                "year_group": 9,
                "commissioned_by": "school",
                "reason": "semh_support",
                "start_date": today - timedelta(days=60),
                "planned_end_date": today + timedelta(days=30),
                "days_per_week": 5,
                "hours_per_week": 25.0,
                "attendance_code": "B",
                "ended_on": today - timedelta(days=5) if i % 4 == 0 else None,
                "created_by_id": s["staff"].id,
            }
            for i in range(300)
        ],
    )
    db.session.commit()
    deputy = make_user("officer")
    deputy.sign_off_deputy = True
    db.session.commit()
    for days_ago in (200, 120, 60):
        # By the Head of Access (the officer's own visit there is still open), signed off by
        # a deputy: no one signs off their own visit.
        make_school_visit(head_of_access(), s["school"], days_ago=days_ago, reviewer=deputy)
    large = _queries(client, count_queries, url)
    assert small == large


def test_the_placement_list_links_the_schools_a_user_visits(client, login, signed_in, school_setup):
    """The authority's list links a school's name to its page for its link officer and the
    Head of Access; an officer who does not visit it sees neither its placements nor a link."""
    link = f'href="/schools/{school_setup["school"].id}"'
    login(school_setup["officer"])
    assert link in client.get("/placements").get_data(as_text=True)
    client.post("/logout")
    signed_in("officer")
    page = client.get("/placements").get_data(as_text=True)
    assert "Hillside High" not in page and link not in page


def test_school_staff_find_their_schools_page_from_home(client, login, school_setup):
    """The school's home links to its own school's page."""
    login(school_setup["staff"])
    assert f'href="/schools/{school_setup["school"].id}"' in client.get("/home").get_data(as_text=True)
