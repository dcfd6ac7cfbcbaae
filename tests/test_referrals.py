"""Gateway panel referrals (docs/domain.md §2.8): what a good referral lacks, when it may be sent,
what a decision needs, and the service that writes them (history, placement, email)."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from qa_app.domain import Forbidden, Invalid, Locked, NotFound
from qa_app.extensions import db
from qa_app.notifications.models import OutboxEmail
from qa_app.placements.models import Placement
from qa_app.referrals.lists import referral_page
from qa_app.referrals.models import Referral, ReferralEvent
from qa_app.referrals.rules import Decision, decision_errors, missing_items, sending_errors
from qa_app.referrals.scopes import can_see_referral, may_decide_referral, may_refer_for, referrals_visible_to
from qa_app.referrals.services import decide, find_referral, save_referral
from tests.factories import referral_change

SPOC = "Complex Needs Team (complex@example.org)"


def fields_missing(**overrides):
    return [field for field, _ in missing_items(referral_change(**overrides))]


@pytest.mark.parametrize(
    "overrides, missing",
    [
        ({}, []),
        ({"isat_involved": False}, ["isat_involved"]),
        ({"ep_assessment": "neither"}, ["ep_assessment"]),
        ({"ep_assessment": "done"}, []),
        ({"caf": "not_opened"}, ["caf"]),
        ({"caf": "not_opened", "social_care_involved": True}, []),
        ({"caf": "refused"}, ["caf_refusal_evidence"]),
        ({"caf": "refused", "caf_refusal_evidence": "Letter from the parents"}, ["caf_refusal_evidence"]),
        (
            {
                "caf": "refused",
                "caf_refusal_evidence": "Letter",
                "caf_refusal_actions": "Met the family twice",
            },
            [],
        ),
        ({"caf": "refused", "social_care_involved": True}, []),
        ({"senco_involved": False}, ["senco_involved"]),
        ({"interventions": "   "}, ["interventions"]),
        (
            {"isat_involved": False, "ep_assessment": "neither", "caf": "not_opened", "senco_involved": False}
            | {"interventions": ""},
            ["isat_involved", "ep_assessment", "caf", "senco_involved", "interventions"],
        ),
    ],
)
def test_missing_items(overrides, missing):
    """Each seed-000 item a referral lacks is named, in the form's order, with a plain message."""
    assert fields_missing(**overrides) == missing
    for _, message in missing_items(referral_change(**overrides)):
        assert message[:1].isupper() and "_" not in message


LACKING = {"isat_involved": False, "senco_involved": False}


@pytest.mark.parametrize(
    "overrides, errors",
    [
        ({}, set()),
        (LACKING, {"isat_involved", "senco_involved"}),
        # Urgent: sent without the missing items once the urgency is explained and ISAT's advice recorded.
        (
            LACKING
            | {"urgent": True, "urgent_reason": "Assaulted a member of staff", "isat_advice": "Refer now"},
            set(),
        ),
        (
            LACKING | {"urgent": True, "isat_advice": "Refer now"},
            {"urgent_reason", "isat_involved", "senco_involved"},
        ),
        (
            LACKING | {"urgent": True, "urgent_reason": "Escalating"},
            {"isat_advice", "isat_involved", "senco_involved"},
        ),
        ({"urgent": True, "urgent_reason": "Escalating"}, {"isat_advice"}),
        # Marked urgent, it needs its reason even when nothing else is missing.
        ({"urgent": True, "isat_advice": "Refer now"}, {"urgent_reason"}),
        # An EHC plan: never sent, whatever else it holds.
        ({"ehc_plan": True}, {"ehc_plan"}),
        (LACKING | {"ehc_plan": True}, {"ehc_plan"}),
    ],
)
def test_sending_rules(overrides, errors):
    """Missing items stop a send unless it is urgent with a reason and ISAT's advice; an EHC
    plan always does."""
    assert set(sending_errors(referral_change(**overrides), SPOC)) == errors


def test_an_ehc_plan_is_sent_to_the_single_point_of_contact():
    """The message names the contact from the configuration and says the referral is not sent."""
    message = sending_errors(referral_change(ehc_plan=True), SPOC)["ehc_plan"]
    assert SPOC in message and "not sent to the Gateway panel" in message


START = date(2027, 1, 11)
PLACE = {"provider_id": 1, "start_date": START, "planned_end_date": START + timedelta(days=90)}
PLACE |= {"days_per_week": 3, "hours_per_week": 15.0}


@pytest.mark.parametrize(
    "decision, errors",
    [
        (Decision("outreach", decision_reason="Two sessions a week of BTA outreach"), set()),
        (Decision("outreach"), {"decision_reason"}),
        (Decision("place", **PLACE), set()),
        (
            Decision("place"),
            {"provider_id", "start_date", "planned_end_date", "days_per_week", "hours_per_week"},
        ),
        (Decision("place", **(PLACE | {"provider_id": None})), {"provider_id"}),
        (Decision("more_information", information_needed="The EP's report"), set()),
        (Decision("more_information", decision_reason="Why"), {"information_needed"}),
        (Decision("not_accepted", decision_reason="Needs can be met in school"), set()),
        (Decision("not_accepted", decision_reason="  "), {"decision_reason"}),
        (Decision("signposted", signposted_to="CAMHS"), set()),
        (Decision("signposted"), {"signposted_to"}),
        (Decision(""), {"outcome"}),
        (Decision("approved"), {"outcome"}),
    ],
)
def test_decision_rules(decision, errors):
    """Each outcome needs its reason."""
    assert set(decision_errors(decision)) == errors


# -- the service ---------------------------------------------------------------------------------


@pytest.fixture
def school_user(make_user):
    return make_user("school", school="Riverside Academy")


@pytest.fixture
def link_officer(app, make_user, school_user):
    officer = make_user("officer")
    school_user.school.officer = officer
    db.session.commit()
    return officer


def history(referral):
    return [event.action for event in referral.events]


def test_a_draft_is_saved_with_what_it_lacks_and_sent_when_complete(school_user):
    """A draft may lack anything; sending it needs every item; both are in the history."""
    draft = save_referral(school_user, None, referral_change(isat_involved=False), spoc=SPOC)
    db.session.commit()
    assert draft.status == "draft" and [f for f, _ in missing_items(draft)] == ["isat_involved"]
    with pytest.raises(Invalid) as refused:
        save_referral(
            school_user,
            draft,
            referral_change(pupil_ref=draft.pupil_ref, isat_involved=False),
            send=True,
            spoc=SPOC,
        )
    assert set(refused.value.fields) == {"isat_involved"}
    db.session.rollback()
    assert db.session.get(Referral, draft.id).status == "draft"
    sent = save_referral(school_user, draft, referral_change(pupil_ref=draft.pupil_ref), send=True, spoc=SPOC)
    db.session.commit()
    assert sent.status == "sent" and sent.sent_at is not None
    assert history(sent) == ["created", "changed", "sent"]


def test_a_refused_send_writes_nothing(school_user):
    """A new referral refused for what it lacks (or an EHC plan) is not stored at all."""
    for change in (referral_change(caf="not_opened"), referral_change(ehc_plan=True)):
        with pytest.raises(Invalid):
            save_referral(school_user, None, change, send=True, spoc=SPOC)
        db.session.rollback()
    assert db.session.scalar(select(func.count(Referral.id))) == 0
    assert db.session.scalar(select(func.count(ReferralEvent.id))) == 0


def test_a_name_is_never_a_pupil_reference(school_user):
    """The placements' rule: a name is refused as a reference."""
    with pytest.raises(Invalid) as refused:
        save_referral(school_user, None, referral_change(pupil_ref="John Smith"), spoc=SPOC)
    assert "looks like a name" in refused.value.fields["pupil_ref"]


def test_only_a_schools_own_staff_refer(make_user, school_user, make_referral):
    """Officers, the Head of Access and admins do not refer; another school cannot change it."""
    for role in ("officer", "head_of_access", "admin"):
        with pytest.raises(Forbidden):
            save_referral(make_user(role), None, referral_change(), spoc=SPOC)
    referral = make_referral(school_user, send=False)
    with pytest.raises(NotFound):
        save_referral(make_user("school", school="Other School"), referral, referral_change(), spoc=SPOC)


def test_a_persistent_caf_refusal_is_flagged_to_the_panel(school_user):
    """Persistent refusal of a CAF goes to the panel as a safeguarding concern, in the history."""
    change = referral_change(
        caf="refused",
        caf_refusal_evidence="Parents refused in writing three times",
        caf_refusal_actions="Home visits by the DSL",
        caf_refusal_persistent=True,
    )
    referral = save_referral(school_user, None, change, send=True, spoc=SPOC)
    assert referral.safeguarding_concern
    assert history(referral) == ["created", "sent", "safeguarding_concern"]
    assert "three times" in referral.events[-1].comment


def test_an_urgent_case_is_sent_marked_urgent(school_user, link_officer):
    """Urgent, with a reason and ISAT's advice: sent despite what it lacks, and first in the queue."""
    ordinary = save_referral(school_user, None, referral_change(), send=True, spoc=SPOC)
    db.session.commit()
    urgent = save_referral(
        school_user,
        None,
        referral_change(
            senco_involved=False, urgent=True, urgent_reason="Escalated", isat_advice="Refer today"
        ),
        send=True,
        spoc=SPOC,
    )
    db.session.commit()
    assert urgent.urgent and urgent.status == "sent"
    save_referral(school_user, None, referral_change(), spoc=SPOC)  # a draft: not the panel's
    db.session.commit()
    assert [r.id for r in referral_page(link_officer, "", 1).items] == [urgent.id, ordinary.id]


def test_who_sees_and_decides(make_user, school_user, link_officer, make_referral):
    """School: its own; officer: the schools they visit; Head of Access: all; admin: none."""
    referral = make_referral(school_user)
    other_officer, head, admin = make_user("officer"), make_user("head_of_access"), make_user("admin")
    other_school = make_user("school", school="Other School")
    seen = {
        user.email: db.session.scalar(select(func.count(Referral.id)).where(referrals_visible_to(user)))
        for user in (school_user, link_officer, other_officer, head, admin, other_school)
    }
    assert list(seen.values()) == [1, 1, 0, 1, 0, 0]
    assert [
        can_see_referral(u, referral)
        for u in (school_user, link_officer, other_officer, head, admin, other_school)
    ] == [
        True,
        True,
        False,
        True,
        False,
        False,
    ]
    assert [may_decide_referral(u, referral) for u in (school_user, link_officer, other_officer, head)] == [
        False,
        True,
        False,
        True,
    ]
    assert may_refer_for(school_user, school_user.school_id) and not may_refer_for(
        other_school, school_user.school_id
    )
    with pytest.raises(NotFound):
        find_referral(other_officer, referral.id)
    with pytest.raises(NotFound):
        decide(other_officer, referral, Decision("signposted", signposted_to="CAMHS"))


def test_the_panel_never_sees_a_draft(make_user, school_user, link_officer, make_referral):
    """A draft is the school's alone until it is sent."""
    draft = make_referral(school_user, send=False)
    head = make_user("head_of_access")
    for user in (link_officer, head):
        assert not can_see_referral(user, draft)
        assert db.session.scalar(select(func.count(Referral.id)).where(referrals_visible_to(user))) == 0
    assert can_see_referral(school_user, draft)


def test_more_information_returns_it_to_the_school_which_resends(school_user, link_officer, make_referral):
    """The panel asks for more; the school changes it and sends it again; the school is emailed."""
    referral = make_referral(school_user)
    decide(link_officer, referral, Decision("more_information", information_needed="The EP's report"))
    db.session.commit()
    assert referral.status == "more_information" and referral.editable
    email = db.session.scalar(select(OutboxEmail).order_by(OutboxEmail.id.desc()))
    assert school_user.email in email.recipients and "The EP's report" in email.body
    change = replace(referral_change(pupil_ref=referral.pupil_ref), ep_assessment="done")
    save_referral(school_user, referral, change, send=True, spoc=SPOC)
    db.session.commit()
    assert referral.status == "sent"
    assert history(referral) == ["created", "sent", "more_information", "changed", "resent"]


def test_a_decision_without_its_reason_writes_nothing(school_user, link_officer, make_referral):
    """Refused with a message; the referral is still waiting and has no new history."""
    referral = make_referral(school_user)
    with pytest.raises(Invalid) as refused:
        decide(link_officer, referral, Decision("not_accepted"))
    assert "why" in refused.value.fields["decision_reason"]
    db.session.rollback()
    referral = db.session.get(Referral, referral.id)
    assert referral.status == "sent" and referral.outcome is None and history(referral) == ["created", "sent"]


def test_accepting_a_place_records_the_placement(school_user, link_officer, make_referral, make_provider):
    """A place at a named provider becomes the school's placement, through save_placement."""
    provider = make_provider(registration_status="registered_independent", urn="140001")
    referral = make_referral(school_user, year_group=8, ehc_plan=False, looked_after=True, asked_for="place")
    start = date.today() + timedelta(days=7)
    decision = Decision(
        "place",
        decision_reason="Two days a week at the provider alongside school",
        provider_id=provider.id,
        start_date=start,
        planned_end_date=start + timedelta(days=84),
        days_per_week=2,
        hours_per_week=10.0,
    )
    decide(link_officer, referral, decision)
    db.session.commit()
    placement = db.session.scalar(select(Placement))
    assert referral.status == "accepted" and referral.placement_id == placement.id
    assert (placement.school_id, placement.pupil_ref, placement.year_group) == (
        school_user.school_id,
        referral.pupil_ref,
        8,
    )
    assert placement.looked_after and placement.sen_support and placement.provider_id == provider.id
    assert (placement.start_date, placement.days_per_week, placement.hours_per_week) == (start, 2, 10.0)
    assert history(referral)[-2:] == ["accepted", "placement_created"]
    with pytest.raises(Locked):
        decide(link_officer, referral, Decision("signposted", signposted_to="CAMHS"))


def test_a_place_that_breaks_a_placement_rule_writes_nothing(
    school_user, link_officer, make_referral, make_provider
):
    """A planned end before the start: the placement's own message, on the decision; no placement."""
    provider = make_provider()
    referral = make_referral(school_user)
    decision = Decision(
        "place",
        decision_reason="The only place",
        provider_id=provider.id,
        start_date=START,
        planned_end_date=START - timedelta(days=1),
        days_per_week=5,
        hours_per_week=25.0,
    )
    with pytest.raises(Invalid) as refused:
        decide(link_officer, referral, decision)
    assert "on or after the start date" in refused.value.fields["planned_end_date"]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Placement.id))) == 0
    assert db.session.get(Referral, referral.id).status == "sent"


def test_every_field_has_words_for_the_history():
    """The history names a changed field in plain words, never by its code."""
    from qa_app.referrals.rules import CHANGE_FIELDS, CHANGE_LABELS

    assert set(CHANGE_LABELS) == set(CHANGE_FIELDS)
    assert all("_" not in words for words in CHANGE_LABELS.values())


def test_a_change_is_named_in_plain_words_in_the_history(school_user):
    """ "Changed: educational psychologist's assessment, SENCO involved", not field codes."""
    draft = save_referral(school_user, None, referral_change(ep_assessment="neither"), spoc=SPOC)
    save_referral(
        school_user, draft, referral_change(pupil_ref=draft.pupil_ref, senco_involved=False), spoc=SPOC
    )
    assert draft.events[-1].comment == "Changed: educational psychologist's assessment, SENCO involved"
