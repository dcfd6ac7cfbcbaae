"""The test factories make their records through the real services, so they obey the rules."""

import pytest

from qa_app.domain import Invalid
from qa_app.escalations.models import EscalationEvent
from qa_app.extensions import db
from qa_app.framework.services import current_version
from qa_app.visits.models import VisitEvent
from tests.factories import ESCALATION_PATHS, INSUFFICIENT_REASON, ratings_for


def history(visit):
    return [
        e.action
        for e in db.session.scalars(
            db.select(VisitEvent).where(VisitEvent.visit_id == visit.id).order_by(VisitEvent.id)
        )
    ]


@pytest.mark.parametrize(
    "status, actions",
    [
        ("draft", ["create"]),
        ("submitted", ["create", "submit"]),
        ("returned", ["create", "submit", "return"]),
        ("signed_off", ["create", "submit", "sign_off"]),
    ],
)
def test_make_visit_goes_through_the_visit_services(make_visit, make_provider, status, actions):
    """Each status is reached the way the app reaches it, and the history says so."""
    visit = make_visit(make_provider(), rag="amber", status=status)
    assert visit.status == status and visit.overall_rag == "amber"
    assert history(visit) == actions


def test_a_signed_off_visit_rates_the_provider(make_visit, make_provider):
    """Sign-off through the service puts the visit's rating on the register."""
    provider = make_provider()
    visit = make_visit(provider, rag="red")
    assert (provider.rating_rag, provider.rated_visit_id) == ("red", visit.id)
    assert visit.signed_off_by.role == "head_of_access"


def test_make_visit_cannot_skip_a_rule(make_visit, make_provider):
    """A visit dated in the future cannot be made submitted: the factory keeps the rules."""
    with pytest.raises(Invalid):
        make_visit(make_provider(), days_ago=-3, status="submitted")


def test_insufficient_evidence_is_given_a_reason_on_submission(make_visit, make_provider):
    """A theme with insufficient evidence gets a reason, as the officer would give one."""
    qe = [c.code for c in current_version().criteria_by_theme()["QE"]]
    ratings = ratings_for("green") | {code: "not_seen" for code in qe}
    visit = make_visit(make_provider(), ratings=ratings, status="submitted")
    assert visit.theme_rags["QE"]["insufficient_evidence"]
    assert visit.insufficient_reasons == {"QE": INSUFFICIENT_REASON}


@pytest.mark.parametrize("state", list(ESCALATION_PATHS))
def test_make_escalation_walks_the_workflow(make_escalation, make_provider, state):
    """Each state is reached by allowed transitions, each recorded with a reason."""
    escalation = make_escalation(make_provider(), state=state)
    assert escalation.state == state
    steps = db.session.scalars(
        db.select(EscalationEvent)
        .where(EscalationEvent.escalation_id == escalation.id, EscalationEvent.action == "transition")
        .order_by(EscalationEvent.id)
    ).all()
    assert [e.to_state for e in steps] == list(ESCALATION_PATHS[state])
    assert all(e.reason for e in steps)
