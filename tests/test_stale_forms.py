"""Every HTML form that changes a record carries the version it was opened at: two users
open the same record, the first saves, and the second, saving from the stale copy, is told
so on the page and changes nothing."""

import pytest
from sqlalchemy import select

from qa_app.action_plans.services import answer_action
from qa_app.auth.models import School, User
from qa_app.extensions import db
from qa_app.providers.models import Provider
from qa_app.referrals.models import Referral
from qa_app.referrals.services import save_referral
from qa_app.registration.models import RegistrationRules
from qa_app.visits.action_answers import ActionAnswer
from tests import test_action_plans
from tests.factories import PASSWORD, provider_data, referral_change, version_on_page

with_actions = test_action_plans.with_actions  # the provider with open actions

STALE = "was changed by someone else after you opened this page"


@pytest.fixture
def second_client(app):
    """second_client(user) -> another browser, signed in as `user` through the sign-in form."""

    def _sign_in(user):
        other = app.test_client()
        response = other.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        return other

    return _sign_in


def test_a_stale_provider_form_does_not_overwrite(client, signed_in, make_provider):
    """Two officers open a provider's form; the second one's save is refused."""
    provider = make_provider(name="Cedar House", postcode="W3 6RS", borough="Riverside")
    signed_in("officer")
    url = f"/providers/{provider.id}/edit"
    stale = version_on_page(client, url)
    first = provider_data(name="Cedar House", postcode="W3 6RS", borough="Westmere", version=stale)
    assert client.post(url, data=first).status_code == 302
    second = provider_data(name="Cedar House", postcode="W3 6RS", borough="Eastbrook", version=stale)
    response = client.post(url, data=second, follow_redirects=True)
    assert STALE in response.data.decode()
    assert db.session.get(Provider, provider.id).borough == "Westmere"


REFERRAL_FORM = {
    "pupil_ref": "GW-Y9-001",
    "year_group": "9",
    "sen_support": "y",
    "asked_for": "outreach",
    "what_has_happened": "Two suspensions this term",
    "isat_involved": "y",
    "ep_assessment": "commitment",
    "caf": "opened",
    "senco_involved": "y",
    "interventions": "Daily check-in; a mentor",
    "save": "Save as draft",
}


def test_a_stale_referral_form_does_not_overwrite(client, login, make_user, make_referral, second_client):
    """Two staff of one school open a draft; the second one's save is refused."""
    first = make_user("school", school="Riverside Academy")
    second = make_user("school", school="Riverside Academy")
    referral = make_referral(first, send=False)
    login(first)
    other = second_client(second)
    url = f"/referrals/{referral.id}/edit"
    mine, theirs = version_on_page(client, url), version_on_page(other, url)
    saved = client.post(url, data=REFERRAL_FORM | {"needs": "Anxiety in lessons", "version": mine})
    assert saved.status_code == 302
    response = other.post(
        url, data=REFERRAL_FORM | {"needs": "Anger in lessons", "version": theirs}, follow_redirects=True
    )
    assert STALE in response.get_data(as_text=True)
    assert db.session.get(Referral, referral.id).needs == "Anxiety in lessons"


def test_a_stale_decision_is_not_recorded(client, login, make_user, make_referral, second_client):
    """The panel asks for more information and the school sends the referral again; a panel
    member still on the page as it was before cannot decide on what they have not read."""
    school_user = make_user("school", school="Riverside Academy")
    officer = make_user("officer")
    school_user.school.officer = officer
    db.session.commit()
    referral = make_referral(school_user)
    login(officer)
    head = second_client(make_user("head_of_access"))
    url = f"/referrals/{referral.id}"
    mine, theirs = version_on_page(client, url), version_on_page(head, url)
    asked = {
        "outcome": "more_information",
        "decision_reason": "Unclear",
        "information_needed": "The EP report",
    }
    assert client.post(f"{url}/decision", data=asked | {"version": mine}).status_code == 302
    save_referral(school_user, db.session.get(Referral, referral.id), referral_change(), send=True)
    db.session.commit()
    refused = {"outcome": "not_accepted", "decision_reason": "Needs can be met in school", "version": theirs}
    response = head.post(f"{url}/decision", data=refused, follow_redirects=True)
    assert STALE in response.get_data(as_text=True)
    stored = db.session.get(Referral, referral.id)
    assert stored.status == "sent" and stored.outcome != "not_accepted"


def test_a_stale_school_form_does_not_overwrite(client, signed_in, make_user, second_client):
    """Two administrators open a school's form; the second one's save is refused."""
    first = signed_in("admin")
    school = make_user("school", school="Riverside Academy").school
    other = second_client(make_user("admin"))
    url = f"/admin/schools/{school.id}"
    mine, theirs = version_on_page(client, url), version_on_page(other, url)
    school_form = {"name": "Riverside Academy", "urn": "100123", "phase": "secondary", "officer_id": ""}
    assert (
        first
        and client.post(url, data=school_form | {"borough": "Westmere", "version": mine}).status_code == 302
    )
    response = other.post(
        url, data=school_form | {"borough": "Eastbrook", "version": theirs}, follow_redirects=True
    )
    assert STALE in response.get_data(as_text=True)
    assert db.session.get(School, school.id).borough == "Westmere"


def test_a_stale_user_form_does_not_overwrite(client, signed_in, make_user, second_client):
    """Two administrators open a user's form; the second one's save is refused."""
    signed_in("admin")
    user = make_user("officer", name="Priya Shah")
    other = second_client(make_user("admin"))
    url = f"/admin/users/{user.id}"
    mine, theirs = version_on_page(client, url), version_on_page(other, url)
    user_form = {"email": user.email, "role": "officer", "school": "", "password": "", "active": "y"}
    assert client.post(url, data=user_form | {"name": "Priya Shah-Khan", "version": mine}).status_code == 302
    response = other.post(url, data=user_form | {"name": "P. Shah", "version": theirs}, follow_redirects=True)
    assert STALE in response.get_data(as_text=True)
    assert db.session.get(User, user.id).name == "Priya Shah-Khan"


def test_signing_in_does_not_make_a_user_form_stale(client, signed_in, make_user, second_client):
    """Only a change to what the form changes counts: the user signing in meanwhile does not."""
    signed_in("admin")
    user = make_user("officer", name="Priya Shah")
    url = f"/admin/users/{user.id}"
    version = version_on_page(client, url)
    second_client(user)
    user_form = {"email": user.email, "role": "officer", "school": "", "password": "", "active": "y"}
    assert (
        client.post(url, data=user_form | {"name": "Priya Shah-Khan", "version": version}).status_code == 302
    )
    assert db.session.get(User, user.id).name == "Priya Shah-Khan"


def test_a_second_verification_from_a_stale_page_is_refused(
    client, login, with_actions, make_user, second_client
):
    """Two who review the provider open its answer; the second verification is refused on the
    page and the first one stands (the verify form carries the answer's version)."""
    provider, staff, officer, (late, _) = with_actions
    answer_action(staff, provider, late, "The log is in the office.", [])
    db.session.commit()
    login(officer)
    head = second_client(make_user("head_of_access"))
    url = f"/providers/{provider.id}/actions/{late.id}"
    mine, theirs = version_on_page(client, url), version_on_page(head, url)
    assert client.post(url, data={"verification": "done", "version": mine}).status_code == 302
    response = head.post(
        url, data={"verification": "not_yet", "reason": "No drills", "version": theirs}, follow_redirects=True
    )
    assert "verified by someone else after you opened this page" in response.get_data(as_text=True)
    answer = db.session.scalar(select(ActionAnswer))
    assert answer.verification == "done" and answer.verified_by_id == officer.id


def test_a_second_answer_from_a_stale_page_is_refused(client, login, with_actions, make_user, second_client):
    """Two of the provider's staff open the answer form; the second answer is refused on the
    page, and the first stays the one the officer checks."""
    provider, staff, officer, (late, _) = with_actions
    login(staff)
    other = second_client(make_user("provider", provider=provider))
    url = f"/providers/{provider.id}/actions/{late.id}/answer"
    assert client.get(url).status_code == other.get(url).status_code == 200
    form = {"text": "The log is in the office."}
    assert client.post(url, data=form, content_type="multipart/form-data").status_code == 302
    response = other.post(
        url, data={"text": "Nothing yet."}, content_type="multipart/form-data", follow_redirects=True
    )
    assert "already answered" in response.get_data(as_text=True)
    answers = db.session.scalars(select(ActionAnswer)).all()
    assert [answer.text for answer in answers] == ["The log is in the office."]


def test_a_stale_registration_rules_form_does_not_overwrite(client, signed_in, make_user, second_client):
    """Two administrators open a draft of the registration rules; the second save is refused."""
    signed_in("admin")
    other = second_client(make_user("admin"))
    current = db.session.scalar(select(RegistrationRules).where(RegistrationRules.name == "2026"))
    client.post(f"/admin/registration-rules/{current.id}/copy", data={"name": "2027"})
    draft = db.session.scalar(select(RegistrationRules).where(RegistrationRules.name == "2027"))
    url = f"/admin/registration-rules/{draft.id}"
    mine, theirs = version_on_page(client, url), version_on_page(other, url)
    form = {
        "institution": "any institution",
        "full_time_hours_over": "18",
        "borderline_hours_from": "15",
        "full_time_weeks_from": "30",
        "pupil_threshold": "4",
        "statuses": "ehc_plan,looked_after,sen",
    }
    assert client.post(url, data=form | {"title": "Four pupils", "version": mine}).status_code == 302
    response = other.post(
        url, data=form | {"title": "Three pupils", "version": theirs}, follow_redirects=True
    )
    assert STALE in response.get_data(as_text=True)
    assert db.session.get(RegistrationRules, draft.id).title == "Four pupils"


def _draft_framework():
    """A draft copy of the provider framework in force, as an administrator makes one."""
    from qa_app.framework.services import copy_version, current_version

    draft = copy_version(current_version(), "2099-2100", "Draft framework")
    db.session.commit()
    return draft


def test_a_stale_criterion_form_does_not_overwrite(client, signed_in, make_user, second_client):
    """Two administrators open a draft's criterion; the second one's save is refused."""
    from qa_app.framework.models import Criterion

    signed_in("admin")
    other = second_client(make_user("admin"))
    criterion = _draft_framework().criteria[0]
    url = f"/admin/frameworks/{criterion.framework_version_id}/criteria/{criterion.id}"
    mine, theirs = version_on_page(client, url), version_on_page(other, url)
    form = {"theme": criterion.theme, "guidance": criterion.guidance, "critical": "y"}
    assert client.post(url, data=form | {"text": "Checked by the first", "version": mine}).status_code == 302
    response = other.post(
        url, data=form | {"text": "Checked by the second", "version": theirs}, follow_redirects=True
    )
    assert STALE in response.get_data(as_text=True)
    assert db.session.get(Criterion, criterion.id).text == "Checked by the first"


def test_a_stale_documents_form_does_not_overwrite(client, signed_in, make_user, second_client):
    """Two administrators open a draft's list of documents; the second one's save is refused."""
    from qa_app.framework.documents import documents_of
    from qa_app.framework.models import FrameworkVersion

    signed_in("admin")
    other = second_client(make_user("admin"))
    draft = _draft_framework()
    url = f"/admin/frameworks/{draft.id}/documents"
    mine, theirs = version_on_page(client, url), version_on_page(other, url)
    first = client.post(
        url, data={"mandatory": "Employer's liability insurance", "other": "", "version": mine}
    )
    assert first.status_code == 302
    response = other.post(
        url,
        data={"mandatory": "Public liability insurance", "other": "", "version": theirs},
        follow_redirects=True,
    )
    assert STALE in response.get_data(as_text=True)
    names = [d["name"] for d in documents_of(db.session.get(FrameworkVersion, draft.id).rules)]
    assert names == ["Employer's liability insurance"]
