"""The referral pages: the school's form with its checklist, sending, the panel's queue and
decision form, and what each user may see (docs/domain.md §2.8)."""

import re
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from qa_app.extensions import db
from qa_app.placements.models import Placement
from qa_app.referrals.models import Referral, ReferralEvent
from tests.factories import version_on_page

EXAMPLES = 40
COMPLETE = {
    "pupil_ref": "GW-Y9-001",
    "year_group": "9",
    "sen_support": "y",
    "asked_for": "outreach",
    "needs": "Anxiety and anger in lessons",
    "what_has_happened": "Two suspensions this term",
    "isat_involved": "y",
    "ep_assessment": "commitment",
    "caf": "opened",
    "senco_involved": "y",
    "interventions": "Daily check-in; a mentor; a reduced timetable for two weeks",
}
SEND = {"send": "Send to the Gateway panel"}
SAVE = {"save": "Save as draft"}


def without(data, *names):
    return {key: value for key, value in data.items() if key not in names}


def referral_count():
    return db.session.scalar(select(func.count(Referral.id)))


@pytest.fixture
def school(signed_in):
    return signed_in("school", school="Riverside Academy")


def test_the_form_shows_what_the_referral_still_needs(client, school):
    """A new form lists every item; a saved draft lists only what it still lacks."""
    page = client.get("/referrals/new").get_data(as_text=True)
    assert "What this referral still needs" in page and "Involve ISAT" in page and "Open a CAF" in page
    response = client.post("/referrals/new", data=without(COMPLETE, "senco_involved") | SAVE)
    assert response.status_code == 302
    referral = db.session.scalar(select(Referral))
    assert referral.status == "draft"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Draft saved" in page and "Involve the school&#39;s SENCO" in page and "Involve ISAT" not in page


def test_the_checklist_answers_for_the_form_as_it_is(client, school):
    """The page's script asks what the form, as filled in now, still needs; nothing is stored."""
    response = client.post("/referrals/checklist", data=without(COMPLETE, "senco_involved", "caf"))
    assert response.status_code == 200
    assert [item["field"] for item in response.get_json()["missing"]] == ["caf", "senco_involved"]
    assert client.post("/referrals/checklist", data=COMPLETE).get_json() == {"missing": []}
    assert referral_count() == 0


def test_a_send_lacking_an_item_is_refused_and_nothing_is_written(client, school):
    """Every missing item is on the page, with the error summary; no referral is stored."""
    response = client.post("/referrals/new", data=without(COMPLETE, "isat_involved", "interventions") | SEND)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in page and "Involve ISAT" in page and "interventions in place" in page
    assert referral_count() == 0


def test_an_urgent_case_with_its_reason_and_isat_advice_is_sent(client, school):
    """Urgent: sent before everything is in place once the reason and ISAT's advice are given."""
    lacking = without(COMPLETE, "senco_involved", "interventions") | {"urgent": "y"}
    response = client.post("/referrals/new", data=lacking | {"urgent_reason": "Escalated this week"} | SEND)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Record the advice ISAT gave" in page
    assert referral_count() == 0
    response = client.post(
        "/referrals/new", data=lacking | {"urgent_reason": "Escalated", "isat_advice": "Refer now"} | SEND
    )
    assert response.status_code == 302
    referral = db.session.scalar(select(Referral))
    assert referral.status == "sent" and referral.urgent


def test_an_ehc_plan_goes_to_the_single_point_of_contact(client, school, app):
    """Sending a referral for a pupil with an EHC plan says whom to contact, and does not send."""
    app.config["COMPLEX_NEEDS_SPOC"] = "Sam at the Complex Needs Team (cnt@example.org)"
    client.post("/referrals/new", data=COMPLETE | {"ehc_plan": "y"} | SAVE)
    referral = db.session.scalar(select(Referral))
    version = {"version": version_on_page(client, f"/referrals/{referral.id}/edit")}
    response = client.post(
        f"/referrals/{referral.id}/edit", data=COMPLETE | {"ehc_plan": "y"} | SEND | version
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Sam at the Complex Needs Team (cnt@example.org)" in page
    assert "not sent to the Gateway panel" in page
    db.session.refresh(referral)
    assert referral.status == "draft"


def test_another_schools_referral_is_not_found(client, school, make_referral, make_user):
    """Another school's referral: 404 to read, change or decide."""
    other = make_referral(make_user("school", school="Other School"))
    assert client.get(f"/referrals/{other.id}").status_code == 404
    assert client.get(f"/referrals/{other.id}/edit").status_code == 404
    assert client.post(f"/referrals/{other.id}/edit", data=COMPLETE | SEND).status_code == 404
    assert other.pupil_ref not in client.get("/referrals").get_data(as_text=True)


@pytest.fixture
def panel(app, client, make_user, make_referral, login):
    """A referral of Riverside Academy waiting for the panel, and its link officer signed in."""
    school_user = make_user("school", school="Riverside Academy")
    officer = make_user("officer")
    school_user.school.officer = officer
    db.session.commit()
    referral = make_referral(
        school_user,
        caf="refused",
        caf_refusal_evidence="Refused in writing three times",
        caf_refusal_actions="DSL home visits",
        caf_refusal_persistent=True,
    )
    login(officer)
    return referral


def test_the_queue_puts_urgent_first_and_flags_the_safeguarding_concern(client, panel, make_referral):
    """Urgent first, then the longest waiting; persistent CAF refusal is flagged."""
    urgent = make_referral(
        panel.created_by, senco_involved=False, urgent=True, urgent_reason="Escalated", isat_advice="Refer"
    )
    page = client.get("/referrals").get_data(as_text=True)
    queue = page[page.index('id="referral-queue"') :]
    assert queue.index(urgent.pupil_ref) < queue.index(panel.pupil_ref)
    assert "Safeguarding concern: CAF refused" in queue and "Urgent" in queue
    shown = client.get(f"/referrals/{panel.id}").get_data(as_text=True)
    assert 'id="safeguarding-concern"' in shown and 'id="decision-form"' in shown


def test_the_school_never_sees_the_flag_of_another_school(client, panel, make_user, login):
    """Another school's staff see no trace of the referral or its flag."""
    client.post("/logout")
    login(make_user("school", school="Other School"))
    page = client.get("/referrals").get_data(as_text=True)
    assert panel.pupil_ref not in page and "Safeguarding concern" not in page


def test_a_decision_without_its_reason_is_refused(client, panel):
    """Not accepted with no reason: the message, a 400, and nothing written."""
    events = db.session.scalar(select(func.count(ReferralEvent.id)))
    version = version_on_page(client, f"/referrals/{panel.id}")
    response = client.post(
        f"/referrals/{panel.id}/decision", data={"outcome": "not_accepted", "version": version}
    )
    assert response.status_code == 400
    assert "Say why the panel did not accept the referral" in response.get_data(as_text=True)
    db.session.refresh(panel)
    assert panel.status == "sent" and panel.outcome is None
    assert db.session.scalar(select(func.count(ReferralEvent.id))) == events


def test_an_officer_decides_only_for_schools_they_visit(client, panel, make_user, login):
    """Another officer gets 404 on the referral and its decision."""
    client.post("/logout")
    login(make_user("officer"))
    assert client.get(f"/referrals/{panel.id}").status_code == 404
    response = client.post(
        f"/referrals/{panel.id}/decision", data={"outcome": "signposted", "signposted_to": "X"}
    )
    assert response.status_code == 404
    assert panel.pupil_ref not in client.get("/referrals").get_data(as_text=True)


def test_accepting_a_place_makes_the_placement_the_school_sees(client, panel, make_provider, login):
    """A place at a named provider: the decision page records it and the school sees the placement."""
    provider = make_provider(registration_status="registered_independent", urn="140002")
    start = date.today() + timedelta(days=7)
    end = start + timedelta(days=84)
    data = {
        "outcome": "place",
        "provider_id": str(provider.id),
        "start_date": [str(start.day), str(start.month), str(start.year)],
        "planned_end_date": [str(end.day), str(end.month), str(end.year)],
        "days_per_week": "2",
        "hours_per_week": "10",
        "decision_reason": "Agreed at the panel of this week",
        "version": version_on_page(client, f"/referrals/{panel.id}"),
    }
    response = client.post(f"/referrals/{panel.id}/decision", data=data)
    assert response.status_code == 302
    placement = db.session.scalar(select(Placement))
    assert placement.pupil_ref == panel.pupil_ref and placement.provider_id == provider.id
    client.post("/logout")
    login(panel.created_by)
    assert panel.pupil_ref in client.get("/placements").get_data(as_text=True)
    shown = client.get(f"/referrals/{panel.id}").get_data(as_text=True)
    assert "Accepted for a place" in shown and "Placement recorded" in shown
    # The school's own page never shows the panel's safeguarding flag banner.
    assert 'id="safeguarding-concern"' not in shown


ITEMS = st.fixed_dictionaries(
    {
        "isat_involved": st.booleans(),
        "ep_assessment": st.sampled_from(["done", "commitment", "neither"]),
        "social_care_involved": st.booleans(),
        "caf": st.sampled_from(["opened", "refused", "not_opened"]),
        "caf_refusal_evidence": st.sampled_from(["", "Letter"]),
        "caf_refusal_actions": st.sampled_from(["", "Home visit"]),
        "senco_involved": st.booleans(),
        "interventions": st.sampled_from(["", "  ", "A mentor"]),
        "urgent": st.booleans(),
        "urgent_reason": st.sampled_from(["", "Escalated"]),
        "isat_advice": st.sampled_from(["", "Refer"]),
        "ehc_plan": st.booleans(),
    }
)


def expected_to_send(items):
    """The rule, restated: never with an EHC plan; a case marked urgent goes exactly when its
    reason and ISAT's advice are given (complete or not); any other only when complete."""
    if items["ehc_plan"]:
        return False
    if items["urgent"]:
        return bool(items["urgent_reason"] and items["isat_advice"])
    caf_ok = (
        items["social_care_involved"]
        or items["caf"] == "opened"
        or (items["caf"] == "refused" and items["caf_refusal_evidence"] and items["caf_refusal_actions"])
    )
    return bool(
        items["isat_involved"]
        and items["ep_assessment"] != "neither"
        and caf_ok
        and items["senco_involved"]
        and items["interventions"].strip()
    )


def test_any_referral_form_is_sent_exactly_when_the_rules_allow(client, school):
    """Generated fillings of the seed-000 items: a 302 and a sent referral exactly when the
    rules say it may go, else a 400 and nothing stored."""
    counter = iter(range(1, 10_000))

    @given(items=ITEMS)
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def post(items):
        data = {**COMPLETE, "pupil_ref": f"GW-{next(counter)}"}
        for name, value in items.items():
            if isinstance(value, bool):
                data.pop(name, None)
                if value:
                    data[name] = "y"
            else:
                data[name] = value
        before = referral_count()
        response = client.post("/referrals/new", data=data | SEND)
        if expected_to_send(items):
            page = response.get_data(as_text=True)
            assert response.status_code == 302, (items, re.findall(r'href="#[^"]*">([^<]*)<', page)[:8])
            assert db.session.scalar(select(Referral).order_by(Referral.id.desc())).status == "sent"
        else:
            assert response.status_code == 400
            assert referral_count() == before

    post()


def test_send_to_the_panel_pressed_twice_sends_one_referral(client, school):
    """The same new-referral form sent twice (a double click on "Send to the Gateway panel"):
    one referral, sent once; the second answer goes to it and says so."""
    import re

    page = client.get("/referrals/new").get_data(as_text=True)
    form_uuid = re.search(r'name="uuid"[^>]*value="([^"]+)"', page)[1]
    first = client.post("/referrals/new", data=COMPLETE | SEND | {"uuid": form_uuid})
    second = client.post("/referrals/new", data=COMPLETE | SEND | {"uuid": form_uuid})
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert "already saved" in client.get(second.headers["Location"]).get_data(as_text=True)
    assert referral_count() == 1


def test_two_sends_of_one_draft_at_the_same_moment_send_once(app, make_referral, monkeypatch):
    """Two tabs send the same draft at once: both loaded it as a draft; one sends it, the
    other is refused as already with the panel, and the history has one "sent"."""
    import threading

    from qa_app.auth.models import User
    from qa_app.domain import Locked
    from qa_app.referrals import services
    from qa_app.referrals.models import Referral, ReferralEvent
    from tests.factories import referral_change

    draft = make_referral(send=False)
    ids = draft.id, draft.created_by_id
    both_loaded = threading.Barrier(2, timeout=30)
    outcomes = []
    real_lock = services.lock_row

    def lock_after_loading(model, row_id):
        both_loaded.wait()  # both have the draft in hand before either holds it
        real_lock(model, row_id)

    monkeypatch.setattr(services, "lock_row", lock_after_loading)

    def send():
        with app.app_context():
            try:
                user = db.session.get(User, ids[1])
                referral = db.session.get(Referral, ids[0])
                assert referral.status == "draft"
                services.save_referral(user, referral, referral_change(), send=True, spoc="the SPOC")
                db.session.commit()
                outcomes.append("sent")
            except Locked:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused", "sent"]
    sent = db.session.scalars(
        db.select(ReferralEvent).where(ReferralEvent.referral_id == ids[0], ReferralEvent.action == "sent")
    ).all()
    assert len(sent) == 1
