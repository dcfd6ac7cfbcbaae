"""Security fixes: signed-in pages are never cached, development says it is a demo, and
escalation decisions are compare-and-set, a second person signs off, and only the Head of
Access and admins assign a provider's officer, with every change to a provider kept."""

import os
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from qa_app import create_app
from qa_app.auth.models import User
from qa_app.domain import Conflict, Forbidden
from qa_app.escalations.models import Escalation, EscalationEvent
from qa_app.escalations.raising import report_concern
from qa_app.escalations.services import transition
from qa_app.extensions import db
from qa_app.notifications.outbox import deliver_due
from qa_app.providers.models import Provider, ProviderChange
from qa_app.providers.services import save_provider
from qa_app.visits.models import Visit
from qa_app.visits.scopes import may_sign_off
from qa_app.visits.services import sign_off
from tests.factories import new_user, provider_data, version_on_page

DEMO_BANNER = b"Demo: not for real data"


def test_signed_in_pages_and_json_are_not_stored(
    client, signed_in, make_provider, make_visit, make_escalation, head_of_access
):
    """Visit, escalation and programme pages and the visit JSON carry Cache-Control: no-store."""
    provider = make_provider()
    visit = make_visit(provider, status="draft")
    escalation = make_escalation(provider)
    signed_in(head_of_access())
    for path in (
        f"/visits/{visit.uuid}",
        f"/escalations/{escalation.id}",
        "/programme",
        f"/providers/{provider.id}",
        f"/api/visits/{visit.uuid}",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response.headers.get("Cache-Control", ""), path


def test_signed_out_pages_may_be_cached(client):
    """The sign-in page has nothing personal, so it is left to the browser's defaults."""
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")


def test_development_pages_say_they_are_a_demo(client, signed_in):
    """Every page outside production says it is not for real data, signed in or not."""
    assert DEMO_BANNER in client.get("/login").data
    signed_in("officer")
    assert DEMO_BANNER in client.get("/programme").data


def test_production_pages_do_not_say_demo(monkeypatch, tmp_path):
    """With QA_APP_ENV=production the banner is gone."""
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "x" * 32,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
        }
    )
    response = app.test_client().get("/login", base_url="https://localhost")
    assert response.status_code == 200
    assert DEMO_BANNER not in response.data


def test_development_config_is_a_demo():
    """The flag the banner reads: on unless production."""
    assert create_app({"ENV_NAME": "testing"}).config["DEMO_BANNER"] is True
    assert create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 32}).config["DEMO_BANNER"] is False


# -- escalation decisions are compare-and-set -------------------------------------------


def _escalation_under_review(make_escalation, make_provider, make_user):
    officer = make_user("officer")
    return make_escalation(make_provider(officer_id=officer.id), state="under_review", reporter=officer)


def _decisions(escalation):
    return db.session.scalars(
        db.select(EscalationEvent).where(
            EscalationEvent.escalation_id == escalation.id, EscalationEvent.action == "transition"
        )
    ).all()


def test_a_double_click_records_one_decision_and_sends_one_email(
    client, signed_in, make_escalation, make_provider, make_user, head_of_access, mailbox
):
    """The same decision posted twice from the same page is recorded, and emailed, once."""
    escalation = _escalation_under_review(make_escalation, make_provider, make_user)
    signed_in(head_of_access())
    page = client.get(f"/escalations/{escalation.id}").data.decode()
    assert 'name="from_state" type="hidden" value="under_review"' in page
    data = {"to_state": "referred_to_director", "reason": "Not known to us", "from_state": "under_review"}
    first = client.post(f"/escalations/{escalation.id}/transition", data=data)
    second = client.post(f"/escalations/{escalation.id}/transition", data=data, follow_redirects=True)
    assert first.status_code == 302
    assert b"already recorded" in second.data
    assert [e.to_state for e in _decisions(escalation)][-1:] == ["referred_to_director"]
    assert len([e for e in _decisions(escalation) if e.to_state == "referred_to_director"]) == 1
    deliver_due()
    assert len([m for m in mailbox if "Referred" in m["Subject"]]) == 1


def test_a_decision_taken_from_a_state_that_has_moved_on_is_refused(
    app, make_escalation, make_provider, make_user, head_of_access
):
    """A decision applies only from the state it was chosen in, even when the copy in hand is stale."""
    escalation = _escalation_under_review(make_escalation, make_provider, make_user)
    assert escalation.state == "under_review"  # the copy in hand, as a page loaded it
    # Another decision lands in the meantime (the ORM copy is not told).
    db.session.execute(
        update(Escalation)
        .where(Escalation.id == escalation.id)
        .values(state="no_further_action")
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(Conflict):
        transition(head_of_access(), escalation, "referred_to_director", "Not known to us")
    assert escalation.state == "no_further_action"  # the other decision stands
    assert "referred_to_director" not in [e.to_state for e in _decisions(escalation)]


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL's row locks")
def test_two_parallel_decisions_record_one(make_app, database_url):
    """Two decisions taken at once from "under review" on PostgreSQL: one wins, one is refused."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    app = make_app()
    with app.app_context():
        head = new_user("head_of_access")
        officer = new_user("officer")
        provider = save_provider(Provider(), provider_data(officer_id=officer.id))
        escalation = report_concern(
            officer, {"address": "1 Mill Lane", "description": "Seen", "provider_id": provider.id}
        )
        transition(head, escalation, "under_review", "Looking")
        db.session.commit()
        ids = head.id, escalation.id
    both_loaded = threading.Barrier(2)
    results = []

    def decide(to_state):
        with app.app_context():
            user = db.session.get(User, ids[0])
            mine = db.session.get(Escalation, ids[1])
            assert mine.state == "under_review"
            both_loaded.wait()
            try:
                transition(user, mine, to_state, "Decided", review_date=date.today() + timedelta(days=9))
                db.session.commit()
                results.append("ok")
            except Conflict:
                db.session.rollback()
                results.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=decide, args=(s,)) for s in ("monitoring", "referred_to_director")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["conflict", "ok"]
    with app.app_context():
        decided = db.session.scalars(
            db.select(EscalationEvent).where(
                EscalationEvent.escalation_id == ids[1], EscalationEvent.from_state == "under_review"
            )
        ).all()
        assert len(decided) == 1


# -- a second person signs off -------------------------------------------------------------


def _sign_off_page(client, visit):
    """Sign off from the visit's page, confirming the visit has been read, as a person does."""
    return client.post(
        f"/visits/{visit.uuid}/sign-off",
        data={"version": visit.version, "confirmed": "y"},
        follow_redirects=True,
    )


def test_no_one_signs_off_their_own_visit(app, make_provider, make_visit, head_of_access):
    """The rule is in the service, so every way in obeys it."""
    head = head_of_access()
    visit = make_visit(make_provider(), status="submitted", officer=head)
    with pytest.raises(Forbidden):
        sign_off(head, visit)
    assert not may_sign_off(head, visit)


def test_the_head_of_access_cannot_sign_off_her_own_visit_on_the_page(
    client, signed_in, make_provider, make_visit, head_of_access
):
    """Her own visit stays submitted, with a message saying someone else must sign it off."""
    head = head_of_access()
    visit = make_visit(make_provider(), status="submitted", officer=head)
    signed_in(head)
    response = _sign_off_page(client, visit)
    assert b"someone else must sign it off" in response.data
    assert db.session.get(Visit, visit.id).status == "submitted"


def test_the_head_of_access_cannot_sign_off_her_own_visit_through_the_api(
    client, signed_in, make_provider, make_visit, head_of_access
):
    """The API answers 403 and the visit stays submitted."""
    head = head_of_access()
    visit = make_visit(make_provider(), status="submitted", officer=head)
    signed_in(head)
    token = client.get("/api/session").get_json()["csrf_token"]
    response = client.post(f"/api/visits/{visit.uuid}/sign-off", headers={"X-CSRFToken": token})
    assert response.status_code == 403, response.get_json()
    assert db.session.get(Visit, visit.id).status == "submitted"


def test_the_head_of_access_names_deputies_who_sign_off(
    client, signed_in, make_provider, make_visit, make_user, head_of_access
):
    """A deputy named on the deputies page signs off the Head of Access's visit, not their own."""
    head = head_of_access()
    deputy, other = make_user("officer"), make_user("officer")
    signed_in(head)
    assert deputy.name in client.get("/sign-off/deputies").data.decode()
    response = client.post("/sign-off/deputies", data={"deputies": [str(deputy.id)]})
    assert response.status_code == 302
    assert db.session.get(User, deputy.id).sign_off_deputy
    assert not db.session.get(User, other.id).sign_off_deputy
    heads_visit = make_visit(make_provider(), status="submitted", officer=head)
    own_visit = make_visit(make_provider(), status="submitted", officer=deputy)
    client.post("/logout")
    signed_in(deputy)
    assert heads_visit.provider.name in client.get("/sign-off").data.decode()
    _sign_off_page(client, heads_visit)
    assert db.session.get(Visit, heads_visit.id).status == "signed_off"
    _sign_off_page(client, own_visit)
    assert db.session.get(Visit, own_visit.id).status == "submitted"


def test_officers_who_are_not_deputies_cannot_sign_off(
    client, signed_in, make_provider, make_visit, head_of_access
):
    """Only the Head of Access and her deputies sign off; only she names the deputies."""
    visit = make_visit(make_provider(), status="submitted", officer=head_of_access())
    signed_in("officer")
    assert client.get("/sign-off/deputies").status_code == 403
    assert client.post("/sign-off/deputies", data={"deputies": []}).status_code == 403
    assert client.post(
        f"/visits/{visit.uuid}/sign-off", data={"version": visit.version, "confirmed": "y"}
    ).status_code in (
        403,
        404,
    )
    assert db.session.get(Visit, visit.id).status == "submitted"


# -- who assigns a provider's officer, and the provider's history ---------------------------


def test_an_officer_cannot_take_over_another_officers_provider(
    client, signed_in, make_provider, make_user, make_escalation
):
    """An officer posting their own id as the assigned officer changes nothing: the other
    officer keeps the provider and its escalations, and the taker sees none of them."""
    owner, taker = make_user("officer"), make_user("officer")
    provider = make_provider(name="Elm Tree Centre", officer_id=owner.id)
    escalation = make_escalation(provider, reporter=owner)
    signed_in(taker)
    form_page = client.get(f"/providers/{provider.id}/edit").data.decode()
    assert 'name="officer_id"' not in form_page
    data = provider_data(name="Elm Tree Centre", officer_id=str(taker.id))
    data["version"] = version_on_page(client, f"/providers/{provider.id}/edit")
    response = client.post(f"/providers/{provider.id}/edit", data=data)
    assert response.status_code == 302
    assert db.session.get(Provider, provider.id).officer_id == owner.id
    assert client.get(f"/escalations/{escalation.id}").status_code == 404


def test_only_the_head_of_access_and_admins_assign_officers(app, make_provider, make_user):
    """The rule is in the service too: an officer changing the officer is Forbidden."""
    owner, taker = make_user("officer"), make_user("officer")
    provider = make_provider(officer_id=owner.id)
    with pytest.raises(Forbidden):
        save_provider(provider, provider_data(officer_id=taker.id), user=taker)
    db.session.rollback()
    for role in ("head_of_access", "admin"):
        save_provider(provider, provider_data(officer_id=taker.id), user=make_user(role))
        assert provider.officer_id == taker.id
        provider.officer_id = owner.id


def test_every_change_to_a_provider_is_kept_and_shown(client, signed_in, make_provider, make_user):
    """Who, when, and which fields from what to what, on the provider's page."""
    owner, newcomer = make_user("officer", name="Olu Owner"), make_user("officer", name="Nia New")
    provider = make_provider(name="Birch Lodge", borough="Riverside", officer_id=owner.id)
    head = signed_in("head_of_access", name="Hana Head")
    data = provider_data(name="Birch Lodge", borough="Westmere", officer_id=str(newcomer.id))
    data["version"] = version_on_page(client, f"/providers/{provider.id}/edit")
    assert client.post(f"/providers/{provider.id}/edit", data=data).status_code == 302
    changes = db.session.scalars(
        db.select(ProviderChange).where(ProviderChange.provider_id == provider.id).order_by(ProviderChange.id)
    ).all()
    latest = changes[-1]
    assert latest.user_id == head.id and latest.at is not None
    assert latest.changes["borough"] == ["Riverside", "Westmere"]
    assert latest.changes["officer"] == ["Olu Owner", "Nia New"]
    assert "name" not in latest.changes  # unchanged fields are not listed
    page = client.get(f"/providers/{provider.id}").data.decode()
    assert "Changes to this provider" in page
    assert "Hana Head" in page and "Riverside" in page and "Westmere" in page and "Nia New" in page


def test_a_save_that_changes_nothing_adds_no_history(client, signed_in, make_provider):
    """Saving the form unchanged records nothing."""
    provider = make_provider(name="Ash Court", postcode="W3 6RS")
    signed_in("head_of_access")
    before = db.session.scalar(db.select(db.func.count(ProviderChange.id)))
    data = provider_data(name="Ash Court", postcode="W3 6RS")
    data.update(
        address=provider.address,
        contact_name=provider.contact_name,
        notes=provider.notes,
        borough=provider.borough,
        version=version_on_page(client, f"/providers/{provider.id}/edit"),
    )
    client.post(f"/providers/{provider.id}/edit", data=data)
    assert db.session.scalar(db.select(db.func.count(ProviderChange.id))) == before


def test_schools_do_not_see_a_providers_history(client, signed_in, make_provider, make_user):
    """The history names officers and internal notes: staff only."""
    provider = make_provider()
    signed_in("school")
    assert "Changes to this provider" not in client.get(f"/providers/{provider.id}").data.decode()
