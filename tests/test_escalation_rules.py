"""The rules of an escalation's workflow, tested on the services without HTTP: which
transitions are allowed from each state, what each one needs, and its audit trail."""

from datetime import date, timedelta

import pytest

from qa_app.domain import Forbidden, Invalid
from qa_app.escalations.models import STATES, TRANSITIONS, EscalationEvent
from qa_app.escalations.services import transition
from qa_app.extensions import db
from tests.factories import step_fields

TODAY = date(2026, 11, 18)  # a Wednesday, so the dates below are plain working days


@pytest.fixture
def head(head_of_access):
    return head_of_access()


def transitions_of(escalation):
    return db.session.scalars(
        db.select(EscalationEvent)
        .where(EscalationEvent.escalation_id == escalation.id, EscalationEvent.action == "transition")
        .order_by(EscalationEvent.id)
    ).all()


@pytest.mark.parametrize("from_state", list(STATES))
def test_each_state_allows_exactly_its_next_steps(make_escalation, head, from_state):
    """From each state, the steps in docs/domain.md §2.4 are taken and every other one is refused,
    leaving the escalation as it was."""
    for to_state in STATES:
        escalation = make_escalation(state=from_state)
        before = len(transitions_of(escalation))
        if to_state in TRANSITIONS[from_state]:
            transition(head, escalation, to_state, "Decided", **step_fields(to_state))
            assert escalation.state == to_state
            assert len(transitions_of(escalation)) == before + 1
        else:
            with pytest.raises(Invalid) as refused:
                transition(head, escalation, to_state, "Decided", **step_fields(to_state))
            assert refused.value.fields == {"to_state": "That step is not allowed from here"}
            db.session.rollback()
            assert escalation.state == from_state
            assert len(transitions_of(escalation)) == before


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_every_decision_needs_a_reason(make_escalation, head, reason):
    """A transition without a reason is refused."""
    escalation = make_escalation()
    with pytest.raises(Invalid) as refused:
        transition(head, escalation, "under_review", reason)
    assert refused.value.fields == {"reason": "Record the reason for this decision"}
    assert escalation.state == "raised"


@pytest.mark.parametrize(
    "review_date, accepted",
    [
        (None, False),
        (TODAY - timedelta(days=1), False),
        (TODAY, False),
        (TODAY + timedelta(days=1), True),
    ],
)
def test_monitoring_needs_a_review_date_in_the_future(make_escalation, head, review_date, accepted):
    """Monitoring is only with a review date after today, which is kept."""
    escalation = make_escalation(state="under_review")
    if accepted:
        transition(head, escalation, "monitoring", "Hours at 16", review_date=review_date, today=TODAY)
        assert (escalation.state, escalation.review_date) == ("monitoring", review_date)
    else:
        with pytest.raises(Invalid) as refused:
            transition(head, escalation, "monitoring", "Hours at 16", review_date=review_date, today=TODAY)
        assert refused.value.fields == {"review_date": "Enter a review date in the future"}


@pytest.mark.parametrize(
    "ofsted_date, reference, errors",
    [
        (None, "OFS-1", {"ofsted_date"}),
        (TODAY + timedelta(days=1), "OFS-1", {"ofsted_date"}),
        (TODAY, "", {"ofsted_reference"}),
        (TODAY, "   ", {"ofsted_reference"}),
        (None, "", {"ofsted_date", "ofsted_reference"}),
    ],
)
def test_reporting_to_ofsted_needs_a_date_and_a_reference(
    make_escalation, head, ofsted_date, reference, errors
):
    """The date it was reported (not in the future) and Ofsted's reference are both needed."""
    escalation = make_escalation(state="referred_to_director")
    with pytest.raises(Invalid) as refused:
        transition(
            head,
            escalation,
            "reported_to_ofsted",
            "Reported by the Director",
            ofsted_date=ofsted_date,
            ofsted_reference=reference,
            today=TODAY,
        )
    assert set(refused.value.fields) == errors
    assert escalation.state == "referred_to_director"


def test_reporting_to_ofsted_keeps_the_date_and_reference(make_escalation, head):
    """The Ofsted date and (trimmed) reference are stored with the step."""
    escalation = make_escalation(state="referred_to_director")
    transition(
        head,
        escalation,
        "reported_to_ofsted",
        "Reported by the Director",
        ofsted_date=TODAY,
        ofsted_reference="  OFS-2026-7  ",
        today=TODAY,
    )
    assert (escalation.ofsted_reported_on, escalation.ofsted_reference) == (TODAY, "OFS-2026-7")


@pytest.mark.parametrize("outcome, accepted", [("", False), ("  ", False), ("  Registered  ", True)])
def test_closing_needs_an_outcome(make_escalation, head, outcome, accepted):
    """An escalation is closed only with its outcome recorded."""
    escalation = make_escalation(state="no_further_action")
    if accepted:
        transition(head, escalation, "closed", "Done", outcome=outcome)
        assert (escalation.state, escalation.outcome) == ("closed", "Registered")
    else:
        with pytest.raises(Invalid) as refused:
            transition(head, escalation, "closed", "Done", outcome=outcome)
        assert refused.value.fields == {"outcome": "Record the outcome"}


def test_every_transition_is_recorded_with_who_when_and_why(make_escalation, make_user, head):
    """Each step is in the audit trail: the user, the time, the trimmed reason, from and to."""
    reporter = make_user("officer")
    escalation = make_escalation(reporter=reporter)
    [raised] = db.session.scalars(
        db.select(EscalationEvent).where(EscalationEvent.escalation_id == escalation.id)
    ).all()
    assert (raised.action, raised.user_id, raised.to_state) == ("raise", reporter.id, "raised")
    path = [
        ("under_review", "  Specific, recent evidence  "),
        ("referred_to_director", "Full-time pupils at a second site"),
        ("reported_to_ofsted", "The Director agreed"),
        ("closed", "Ofsted registered it"),
    ]
    for to_state, reason in path:
        transition(head, escalation, to_state, reason, **step_fields(to_state))
    db.session.commit()
    events = transitions_of(escalation)
    assert [(e.from_state, e.to_state, e.reason, e.user_id) for e in events] == [
        ("raised", "under_review", "Specific, recent evidence", head.id),
        ("under_review", "referred_to_director", "Full-time pupils at a second site", head.id),
        ("referred_to_director", "reported_to_ofsted", "The Director agreed", head.id),
        ("reported_to_ofsted", "closed", "Ofsted registered it", head.id),
    ]
    assert all(e.at is not None for e in events)
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert escalation.state_changed_at >= events[0].at


@pytest.mark.parametrize("role", ["officer", "school", "admin", "provider"])
def test_only_the_head_of_access_moves_an_escalation_on_even_past_the_pages(make_escalation, make_user, role):
    """The service guards itself, as the route does: nothing is changed or recorded."""
    escalation = make_escalation(state="raised")
    user = make_user(role)
    with pytest.raises(Forbidden):
        transition(user, escalation, "under_review", "Looking into it", today=TODAY)
    assert escalation.state == "raised"
    assert transitions_of(escalation) == []
