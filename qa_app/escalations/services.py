"""Escalations of possible unregistered provision: the Head of Access's workflow and
suspension on the register (raising one is escalations/raising.py).

These functions flush but never commit; the caller commits once.
"""

from datetime import date

from sqlalchemy import select, update

from qa_app.auth.permissions import can
from qa_app.dates import utcnow
from qa_app.domain import Conflict, Forbidden, Invalid, NotFound
from qa_app.escalations import notify
from qa_app.escalations.models import STATES, TRANSITIONS, Escalation, EscalationEvent
from qa_app.escalations.scopes import escalations_visible_to
from qa_app.extensions import db

REVIEW_WORKING_DAYS = 5


# -- seeing and deciding -----------------------------------------------------------------


def visible_query(user):
    """Escalations this user may see (escalations.scopes)."""
    return select(Escalation).where(escalations_visible_to(user))


def visible_escalation(user, escalation_id):
    """The escalation if this user may see it, else NotFound."""
    escalation = db.session.scalar(visible_query(user).where(Escalation.id == escalation_id))
    if escalation is None:
        raise NotFound("No such escalation.")
    return escalation


def record(escalation, user, action, reason="", from_state=None, to_state=None, at=None):
    """Add a line to the escalation's audit trail; `at` defaults to now."""
    db.session.add(
        EscalationEvent(
            escalation_id=escalation.id,
            user_id=user.id,
            action=action,
            reason=reason,
            from_state=from_state,
            to_state=to_state,
            **({"at": at} if at else {}),
        )
    )
    db.session.flush()


def transition(
    user,
    escalation,
    to_state,
    reason,
    review_date=None,
    ofsted_date=None,
    ofsted_reference="",
    outcome="",
    today=None,
    from_state=None,
):
    """Move an escalation on, recording who, when and why (docs/domain.md §2.4).

    Compare and set: the step applies only if the escalation is still in `from_state` (the
    state it was chosen in; by default the state as loaded). Otherwise Conflict, and nothing
    is recorded or sent, so a double click or a parallel decision is refused."""
    if not can(user, "escalation.decide"):
        raise Forbidden("Only the Head of Access decides what happens to an escalation")
    today = today or date.today()
    from_state = from_state or escalation.state
    if from_state != escalation.state:
        raise _moved_on(escalation, to_state)
    step = {
        "review_date": review_date,
        "ofsted_date": ofsted_date,
        "ofsted_reference": (ofsted_reference or "").strip(),
        "outcome": (outcome or "").strip(),
    }
    errors = _step_errors(from_state, to_state, reason, step, today)
    if errors:
        raise Invalid(errors)
    _compare_and_set(escalation, from_state, to_state)
    _keep_step(escalation, to_state, step)
    record(escalation, user, "transition", reason.strip(), from_state=from_state, to_state=to_state)
    notify.state_changed(escalation)
    return escalation


def _compare_and_set(escalation, from_state, to_state):
    """Move the escalation to `to_state` only if it is still in `from_state` (one UPDATE,
    so two decisions at once cannot both apply); else the Conflict of _moved_on."""
    changed = db.session.execute(
        update(Escalation)
        .where(Escalation.id == escalation.id, Escalation.state == from_state)
        .values(state=to_state, state_changed_at=utcnow())
    )
    if changed.rowcount != 1:
        db.session.refresh(escalation)
        raise _moved_on(escalation, to_state)


def _step_errors(from_state, to_state, reason, step, today):
    """What is missing or wrong for this step, by field (each state asks for its own)."""
    errors = {}
    if to_state not in TRANSITIONS[from_state]:
        errors["to_state"] = "That step is not allowed from here"
    if not (reason or "").strip():
        errors["reason"] = "Record the reason for this decision"
    if to_state == "monitoring" and (step["review_date"] is None or step["review_date"] <= today):
        errors["review_date"] = "Enter a review date in the future"
    if to_state == "reported_to_ofsted":
        if step["ofsted_date"] is None or step["ofsted_date"] > today:
            errors["ofsted_date"] = "Enter the date it was reported to Ofsted (not in the future)"
        if not step["ofsted_reference"]:
            errors["ofsted_reference"] = "Enter Ofsted's reference"
    if to_state == "closed" and not step["outcome"]:
        errors["outcome"] = "Record the outcome"
    return errors


def _keep_step(escalation, to_state, step):
    """The state's own record: its review date, Ofsted's date and reference, or the outcome."""
    if to_state == "monitoring":
        escalation.review_date = step["review_date"]
    elif to_state == "reported_to_ofsted":
        escalation.ofsted_reported_on, escalation.ofsted_reference = (
            step["ofsted_date"],
            step["ofsted_reference"],
        )
    elif to_state == "closed":
        escalation.outcome = step["outcome"]


def _moved_on(escalation, to_state):
    """The Conflict for a step chosen in a state the escalation has since left."""
    if escalation.state == to_state:
        return Conflict(f"That step is already recorded: {escalation.reference} is {STATES[to_state]}.")
    return Conflict(
        f"{escalation.reference} has moved on to {STATES[escalation.state]} since you chose this "
        "step, so it was not recorded. Read the history, then choose again."
    )


def suspend_provider(user, escalation, reason):
    """Suspend the escalation's provider on the register while it is open (reason internal)."""
    if escalation.provider is None:
        raise Invalid({"reason": "This concern is not about a provider on the register"})
    if not escalation.is_open:
        raise Invalid({"reason": "The escalation is closed"})
    if not (reason or "").strip():
        raise Invalid({"reason": "Record the reason for the suspension"})
    escalation.provider.suspended_reason = reason.strip()
    record(escalation, user, "suspend", reason.strip())


def lift_suspension(user, escalation, reason):
    """Lift the provider's suspension."""
    if escalation.provider is None or escalation.provider.suspended_reason is None:
        raise Invalid({"reason": "The provider is not suspended"})
    if not (reason or "").strip():
        raise Invalid({"reason": "Record the reason for lifting the suspension"})
    escalation.provider.suspended_reason = None
    record(escalation, user, "unsuspend", reason.strip())
