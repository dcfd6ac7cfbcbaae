"""The visit form in HTML: start, judge the themes, actions, check, submit, sign-off,
return, two tabs, the programme and overdue actions."""

import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from qa_app.extensions import db
from qa_app.framework.services import current_version
from qa_app.providers.models import Provider
from qa_app.visits.models import Action, Visit, VisitConflict, VisitEvent


def date_parts(day):
    return [str(day.day), str(day.month), str(day.year)]


@pytest.fixture
def officer(make_user):
    """Priya Shah, whose provider the tests visit (not signed in: see signed_in)."""
    return make_user("officer", name="Priya Shah")


@pytest.fixture
def provider(make_provider, officer):
    return make_provider(name="Bridges Learning Centre", officer_id=officer.id)


def start_visit(client, provider, **overrides):
    data = {
        "uuid": str(uuid.uuid4()),
        "visit_date": date_parts(date.today() - timedelta(days=1)),
        "visit_type": "scheduled",
        "people_met": "Headteacher; DSL",
        "pupils_seen": "6",
    }
    data.update(overrides)
    return client.post(f"/providers/{provider.id}/visits/new", data=data)


def version_of(visit_uuid):
    return db.session.scalar(db.select(Visit.version).where(Visit.uuid == visit_uuid))


def judge_theme(client, visit_uuid, theme, rating="met", evidence="", **extra):
    """Post a theme page with every criterion given the same rating."""
    data = {"version": version_of(visit_uuid), "note": "", **extra}
    for criterion in current_version().criteria_by_theme()[theme]:
        data[f"rating_{criterion.code}"] = rating
        data[f"evidence_{criterion.code}"] = evidence
    data.update(extra)
    return client.post(f"/visits/{visit_uuid}/themes/{theme}", data=data)


def test_start_a_visit_with_the_browser_made_uuid(client, signed_in, provider, officer):
    """Starting a visit keeps the UUID the browser made and records who started it."""
    signed_in(officer)
    visit_uuid = str(uuid.uuid4())
    response = start_visit(client, provider, uuid=visit_uuid)
    assert response.headers["Location"] == f"/visits/{visit_uuid}"
    visit = db.session.scalar(db.select(Visit))
    assert (visit.uuid, visit.pupils_seen, visit.framework_version.name) == (visit_uuid, 6, "2025-2026")
    assert db.session.scalar(db.select(VisitEvent.action)) == "create"


def test_start_without_javascript_gets_a_server_uuid(client, signed_in, provider, officer):
    """With no UUID from the browser, the server makes one."""
    signed_in(officer)
    response = start_visit(client, provider, uuid="")
    assert re.fullmatch(r"/visits/[0-9a-f-]{36}", response.headers["Location"])


@pytest.mark.parametrize(
    "change, message",
    [
        ({"visit_date": ["31", "2", "2026"]}, b"must be a real date"),
        ({"visit_date": ["20", "", "2026"]}, b"must include a day, month and year"),
        ({"visit_date": ["", "", ""]}, b"Enter the date of the visit"),
        ({"visit_type": "phone"}, b"Not a valid choice"),
        ({"pupils_seen": "-3"}, b"between 0 and 1000"),
    ],
)
def test_bad_start_details_are_shown(client, signed_in, provider, change, message, officer):
    """Bad details re-render the form with the error and save nothing."""
    signed_in(officer)
    response = start_visit(client, provider, **change)
    assert response.status_code == 400 and message in response.data
    assert db.session.scalar(db.select(db.func.count(Visit.id))) == 0


def test_task_list_shows_progress(client, signed_in, provider, officer):
    """Themes start as not started and become complete once every criterion is judged."""
    signed_in(officer)
    visit_uuid = start_visit(client, provider).headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/visits/{visit_uuid}").data.decode()
    assert page.count("Not started") >= 6
    judge_theme(client, visit_uuid, "QE")
    page = client.get(f"/visits/{visit_uuid}").data.decode()
    assert re.search(r"Quality of Education.*?Complete", page, re.S)


def test_evidence_is_required_unless_met(client, signed_in, provider, officer):
    """A 'not met' without evidence is an error on that criterion, and nothing is saved."""
    signed_in(officer)
    visit_uuid = start_visit(client, provider).headers["Location"].rsplit("/", 1)[1]
    response = judge_theme(client, visit_uuid, "SG", rating="not_met", evidence="")
    assert response.status_code == 400
    assert b"Enter the evidence for SG1" in response.data
    assert db.session.get(Visit, 1).judgements == []


def test_a_whole_visit_from_start_to_the_register(client, signed_in, provider, officer):
    """Officer: start, judge, action, check, submit. Head of Access: sign off. Register: rated."""
    signed_in(officer)
    visit_uuid = start_visit(client, provider).headers["Location"].rsplit("/", 1)[1]
    for theme in ("QE", "SG", "HS", "PD", "LM"):
        assert judge_theme(client, visit_uuid, theme).status_code == 302
    response = judge_theme(client, visit_uuid, "SE", rating="partly_met", evidence="Plans lack dates")
    assert response.status_code == 302
    client.post(
        f"/visits/{visit_uuid}/strengths",
        data={
            "version": version_of(visit_uuid),
            "strengths": "Calm rooms",
            "pupil_voice": "Pupils feel safe",
        },
    )
    due = date_parts(date.today() + timedelta(days=30))
    client.post(
        f"/visits/{visit_uuid}/actions",
        data={
            "version": version_of(visit_uuid),
            "description": "Add reintegration dates",
            "owner": "provider",
            "due": due,
        },
    )
    check = client.get(f"/visits/{visit_uuid}/check").data.decode()
    assert "Student Entitlement is Amber" in check and "You cannot submit yet" not in check
    response = client.post(
        f"/visits/{visit_uuid}/submit", data={"version": version_of(visit_uuid), "confirmed": "y"}
    )
    assert response.status_code == 302
    visit = db.session.scalar(db.select(Visit))
    assert visit.status == "submitted" and visit.overall_rag == "amber"
    assert client.get(f"/visits/{visit_uuid}/themes/QE").status_code == 302  # locked
    client.post("/logout")

    signed_in("head_of_access")
    assert "Bridges Learning Centre" in client.get("/sign-off").data.decode()
    panel = client.get(f"/visits/{visit_uuid}").data.decode()
    assert panel.index("Your decision") < panel.index("Why each theme is rated as it is")
    assert "Sign off this visit" in panel and "of this record" not in panel
    unconfirmed = client.post(f"/visits/{visit_uuid}/sign-off", data={"version": visit.version})
    assert unconfirmed.status_code == 400
    assert 'id="confirmed-error"' in unconfirmed.data.decode() and visit.status == "submitted"
    response = client.post(
        f"/visits/{visit_uuid}/sign-off",
        data={"version": visit.version, "confirmed": "y"},
        follow_redirects=True,
    )
    assert b"is now rated Amber on the register" in response.data
    register = client.get("/providers?q=bridges").data.decode()
    assert "Quality assured" in register and ">Amber</strong>" in register
    page = client.get(f"/providers/{provider.id}").data.decode()
    assert "Add reintegration dates" in page  # open action on the provider page
    actions = [e.action for e in db.session.scalars(db.select(VisitEvent).order_by(VisitEvent.id))]
    assert actions[0] == "create" and actions[-2:] == ["submit", "sign_off"]


def test_submit_is_blocked_until_complete(client, signed_in, provider, officer):
    """The check page lists what blocks submission; submitting anyway is refused."""
    signed_in(officer)
    visit_uuid = start_visit(client, provider).headers["Location"].rsplit("/", 1)[1]
    judge_theme(client, visit_uuid, "QE")
    check = client.get(f"/visits/{visit_uuid}/check").data.decode()
    assert "You cannot submit yet" in check and "Judge SG1" in check
    response = client.post(
        f"/visits/{visit_uuid}/submit",
        data={"version": version_of(visit_uuid), "confirmed": "y"},
        follow_redirects=True,
    )
    assert b"Judge SG1" in response.data
    assert db.session.scalar(db.select(Visit.status)) == "draft"


def test_insufficient_evidence_needs_a_reason(client, signed_in, provider, officer):
    """A theme mostly not seen is flagged on the check page until a reason is recorded."""
    signed_in(officer)
    visit_uuid = start_visit(client, provider).headers["Location"].rsplit("/", 1)[1]
    for theme in ("QE", "SG", "PD", "LM", "SE"):
        judge_theme(client, visit_uuid, theme)
    judge_theme(client, visit_uuid, "HS", rating="not_seen", evidence="Site manager absent")
    assert (
        "Health and Safety has insufficient evidence"
        in client.get(f"/visits/{visit_uuid}/check").data.decode()
    )
    judge_theme(
        client,
        visit_uuid,
        "HS",
        rating="not_seen",
        evidence="Site manager absent",
        insufficient_reason="Fire alarm; revisit booked",
    )
    assert "You cannot submit yet" not in client.get(f"/visits/{visit_uuid}/check").data.decode()


def test_action_due_before_the_visit_is_refused(client, signed_in, provider, officer):
    """An action due before the visit date is an error and is not added."""
    signed_in(officer)
    visit_uuid = start_visit(client, provider).headers["Location"].rsplit("/", 1)[1]
    early = date_parts(date.today() - timedelta(days=30))
    response = client.post(
        f"/visits/{visit_uuid}/actions",
        data={
            "version": version_of(visit_uuid),
            "description": "Too early",
            "owner": "provider",
            "due": early,
        },
    )
    assert response.status_code == 400 and b"cannot be due before the visit date" in response.data
    assert db.session.scalar(db.select(db.func.count(Action.id))) == 0


def test_two_tabs_keep_both_copies(client, signed_in, provider, officer):
    """Saving from a tab opened at an old version keeps that copy as a conflict to choose from."""
    signed_in(officer)
    visit_uuid = start_visit(client, provider).headers["Location"].rsplit("/", 1)[1]
    old = version_of(visit_uuid)
    client.post(f"/visits/{visit_uuid}/strengths", data={"version": old, "strengths": "From tab A"})
    response = client.post(
        f"/visits/{visit_uuid}/strengths", data={"version": old, "strengths": "From tab B"}
    )
    assert response.status_code == 302 and "/conflicts/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).data.decode()
    assert "From tab A" in page and "From tab B" in page
    assert db.session.scalar(db.select(Visit.strengths)) == "From tab A"
    conflict = db.session.scalar(db.select(VisitConflict))
    client.post(response.headers["Location"], data={"version": version_of(visit_uuid), "keep": "mine"})
    assert db.session.scalar(db.select(Visit.strengths)) == "From tab B"
    assert db.session.get(VisitConflict, conflict.id).resolution == "mine"


def test_head_of_access_returns_a_visit(client, signed_in, provider, officer):
    """A returned visit goes back to its officer with the comment, editable again."""
    signed_in(officer)
    visit_uuid = start_visit(client, provider).headers["Location"].rsplit("/", 1)[1]
    for theme in ("QE", "SG", "HS", "PD", "LM", "SE"):
        judge_theme(client, visit_uuid, theme)
    client.post(f"/visits/{visit_uuid}/submit", data={"version": version_of(visit_uuid), "confirmed": "y"})
    client.post("/logout")
    signed_in("head_of_access")
    response = client.post(f"/visits/{visit_uuid}/return", data={"comment": ""})
    page = response.data.decode()
    assert response.status_code == 400 and 'id="comment-error"' in page  # beside the field
    assert page.index('id="comment-error"') < page.index("Why each theme is rated as it is")
    assert "Say what the officer needs to change" in page and "govuk-error-summary" in page
    client.post(f"/visits/{visit_uuid}/return", data={"comment": "Add evidence for SG2"})
    assert db.session.scalar(db.select(Visit.status)) == "returned"
    client.post("/logout")
    signed_in(officer)
    page = client.get("/programme").data.decode()
    assert "Returned to you for changes" in page
    assert "Add evidence for SG2" in client.get(f"/visits/{visit_uuid}").data.decode()
    response = judge_theme(client, visit_uuid, "SG")
    assert response.status_code == 302


def test_previous_actions_close_when_signed_off(client, signed_in, provider, make_visit, officer):
    """Marking an earlier action done closes it when the new visit is signed off."""
    signed_in(officer)
    earlier = make_visit(provider, "amber", days_ago=200, officer=officer)
    action = Action(
        visit_id=earlier.id,
        provider_id=provider.id,
        description="Fix the fire door",
        due=date.today() - timedelta(days=10),
    )
    db.session.add(action)
    db.session.commit()
    assert "Fix the fire door" in client.get("/actions").data.decode()  # overdue
    visit_uuid = start_visit(client, provider).headers["Location"].rsplit("/", 1)[1]
    for theme in ("QE", "SG", "HS", "PD", "LM", "SE"):
        judge_theme(client, visit_uuid, theme)
    client.post(
        f"/visits/{visit_uuid}/previous-actions",
        data={
            "version": version_of(visit_uuid),
            f"outcome_{action.id}": "done",
            f"note_{action.id}": "  New door fitted in May  ",
        },
    )
    stored = db.session.scalar(select(Visit).where(Visit.uuid == visit_uuid))
    assert stored.action_notes == {str(action.id): "New door fitted in May"}
    assert "New door fitted in May" in client.get(f"/visits/{visit_uuid}/previous-actions").data.decode()
    api = client.get(f"/api/visits/{visit_uuid}").get_json()
    assert api["action_notes"] == {str(action.id): "New door fitted in May"}
    client.post(f"/visits/{visit_uuid}/submit", data={"version": version_of(visit_uuid), "confirmed": "y"})
    assert db.session.get(Action, action.id).status == "open"
    client.post("/logout")
    signed_in("head_of_access")
    client.post(f"/visits/{visit_uuid}/sign-off", data={"version": version_of(visit_uuid), "confirmed": "y"})
    assert db.session.get(Action, action.id).status == "done"
    assert "Fix the fire door" not in client.get("/actions").data.decode()


def test_programme_lists_due_and_overdue(client, signed_in, officer, make_provider, make_visit):
    """An officer's programme shows never-visited and overdue providers first, then upcoming."""
    signed_in(officer)
    never = make_provider(name="Never Visited", officer_id=officer.id)
    overdue = make_provider(name="Long Ago", officer_id=officer.id)
    make_visit(overdue, "red", days_ago=90)
    upcoming = make_provider(name="Recently Green", officer_id=officer.id)
    make_visit(upcoming, "green", days_ago=10)
    make_provider(name="Someone Else's")
    page = client.get("/programme").data.decode()
    assert (
        page.index(never.name)
        < page.index(overdue.name)
        < page.index("Coming up")
        < page.index(upcoming.name)
    )
    assert "Someone Else" not in page


def test_head_of_access_sees_the_whole_programme(client, signed_in, make_provider):
    """The Head of Access sees every provider with its officer."""
    make_provider(name="Unassigned Place")
    signed_in("head_of_access")
    page = client.get("/programme").data.decode()
    assert "Unassigned Place" in page and "Not assigned" in page


def test_visit_page_queries_do_not_grow(
    client, signed_in, provider, make_visit, make_user, officer, count_queries
):
    """The visit page runs the same number of queries with 1 past visit or 6 (made by a
    colleague: an officer has one open visit to a provider at a time)."""
    signed_in(officer)
    visit_uuid = start_visit(client, provider).headers["Location"].rsplit("/", 1)[1]
    for theme in ("QE", "SG", "HS"):
        judge_theme(client, visit_uuid, theme)

    def run():
        with count_queries() as queries:
            assert client.get(f"/visits/{visit_uuid}").status_code == 200
        return len(queries)

    colleague = make_user("officer")
    make_visit(db.session.get(Provider, provider.id), "amber", days_ago=400, officer=colleague)
    few = run()
    for days in range(5):
        make_visit(db.session.get(Provider, provider.id), "green", days_ago=500 + days, officer=colleague)
    for theme in ("PD", "LM", "SE"):
        judge_theme(client, visit_uuid, theme)
    assert run() == few <= 10


def test_programme_shows_the_soonest_due_first_and_says_how_many_more(
    client, signed_in, make_provider, monkeypatch
):
    """A long programme shows the providers due soonest a page at a time."""
    from qa_app.visits import programme

    monkeypatch.setattr(programme, "PROGRAMME_LIMIT", 2)
    for n in range(3):
        make_provider(name=f"Place {n}")
    signed_in("head_of_access")
    page = client.get("/programme").data.decode()
    assert "Providers 1 to 2 of 3" in page and "Place 2" not in page
    assert 'href="/programme?page=2"' in page
    second = client.get("/programme?page=2").data.decode()
    assert "Providers 3 to 3 of 3" in second and "Place 2" in second and "Place 0" not in second
