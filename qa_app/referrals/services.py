"""save_referral() and decide(): the one way a referral is written, by the school and by the
Gateway panel (docs/domain.md §2.8). The rules themselves are in referrals.rules.

An accepted place becomes a placement through placements.services.save_placement, so it
obeys every placement rule. Every step goes into the referral's history. These functions
flush but never commit; the caller commits once (or rolls back, and nothing is written).
"""

import uuid
from datetime import date

from flask import current_app
from sqlalchemy import select

from qa_app.auth.services import active_emails
from qa_app.dates import long_date, utcnow
from qa_app.domain import Forbidden, Invalid, Locked, NotFound
from qa_app.extensions import db
from qa_app.notifications.outbox import queue_email
from qa_app.placements.schemas import PlacementBody, pupil_reference
from qa_app.placements.services import save_placement
from qa_app.providers.models import Provider
from qa_app.referrals.models import EVENTS, OUTCOMES, Referral, ReferralEvent
from qa_app.referrals.rules import (
    CHANGE_FIELDS,
    CHANGE_LABELS,
    DECISION_FIELDS,
    change_errors,
    decision_errors,
    sending_errors,
)
from qa_app.referrals.scopes import can_see_referral, may_decide_referral, may_refer_for
from qa_app.row_locks import lock_row
from qa_app.schemas import read

# What a place accepted by the panel is recorded as, until the school changes its placement.
PLACEMENT_REASON = "semh_support"
# A placement's errors, as the decision form's fields show them.
PLACEMENT_FIELDS = {
    "start_date": "start_date",
    "planned_end_date": "planned_end_date",
    "days_per_week": "days_per_week",
    "hours_per_week": "hours_per_week",
    "provider_id": "provider_id",
    "placing_reason": "decision_reason",
}


def find_referral(user, referral_id, lock=False):
    """The referral with this id that the user may see, or NotFound; `lock` holds its row
    until the commit, so that two panel members deciding at once cannot both decide."""
    referral = (
        db.session.get(Referral, referral_id, with_for_update=lock) if isinstance(referral_id, int) else None
    )
    if referral is None or not can_see_referral(user, referral):
        raise NotFound("No such referral.")
    return referral


def _record(referral, user, action, comment=""):
    """Add a line to the referral's history."""
    assert action in EVENTS
    referral.events.append(ReferralEvent(user=user, action=action, comment=comment))


def _guard_school(user, referral):
    """Refuse a change by anyone but the school's own staff, or of a referral with the panel."""
    school_id = referral.school_id if referral is not None else getattr(user, "school_id", None)
    if referral is not None and not can_see_referral(user, referral):
        raise NotFound("No such referral.")
    if not may_refer_for(user, school_id):
        raise Forbidden("Only the school's own staff make its referrals.")
    if referral is not None and not referral.editable:
        raise Locked("This referral is with the Gateway panel or decided: it can no longer be changed.")
    return school_id


def _errors(change, send, spoc):
    """Every reason this change may not be saved (or sent), as {field: message}."""
    errors = change_errors(change)
    try:
        pupil_reference(change.pupil_ref)
    except ValueError as problem:
        errors["pupil_ref"] = f"The pupil's reference {problem}"
    if send:
        errors.update({k: v for k, v in sending_errors(change, spoc).items() if k not in errors})
    return errors


def referral_made_by_form(referral_uuid):
    """The referral a new-referral form with this uuid already made, or None."""
    if not referral_uuid:
        return None
    return db.session.scalar(select(Referral).where(Referral.uuid == referral_uuid))


def save_referral(user, referral, change, send=False, spoc=None, referral_uuid=None):
    """Create (referral None) or change a school's referral from a ReferralChange, and send it
    to the panel when `send`; returns the referral.

    Raises Invalid with every problem (a send refused for what it lacks, or for a pupil with
    an EHC plan) and writes nothing; NotFound, Forbidden, or Locked once it is with the panel
    (a second send of the same referral, even at the same moment, is refused: its row is
    held and read again first). `referral_uuid` is the new-referral form's own."""
    if referral is not None:
        lock_row(Referral, referral.id)
        db.session.refresh(referral)
    school_id = _guard_school(user, referral)
    spoc = spoc or current_app.config["COMPLEX_NEEDS_SPOC"]
    errors = _errors(change, send, spoc)
    if errors:
        raise Invalid(errors)
    created = referral is None
    if created:
        referral = Referral(
            school_id=school_id, created_by=user, status="draft", events=[], uuid=referral_uuid or None
        )
        db.session.add(referral)
    changed = [name for name in CHANGE_FIELDS if getattr(referral, name) != getattr(change, name)]
    for name in changed:
        setattr(referral, name, getattr(change, name))
    if created:
        _record(referral, user, "created")
    elif changed:
        _record(referral, user, "changed", "Changed: " + ", ".join(CHANGE_LABELS[name] for name in changed))
    if send:
        _send(user, referral)
    db.session.flush()
    return referral


def _send(user, referral):
    """Send the referral to the panel (again, when it was returned for more information)."""
    again = referral.status == "more_information"
    referral.status, referral.sent_at = "sent", utcnow()
    comment = f"Urgent: {referral.urgent_reason}" if referral.urgent else ""
    _record(referral, user, "resent" if again else "sent", comment)
    if referral.safeguarding_concern:
        _record(
            referral,
            user,
            "safeguarding_concern",
            "The parents or carers persistently refuse a CAF. Evidence: " + referral.caf_refusal_evidence,
        )


# -- the panel's decision ------------------------------------------------------------------


def _placement_body(referral, decision):
    """The placement an accepted place becomes, as the placements API takes it."""
    return {
        "school_id": referral.school_id,
        "pupil_ref": referral.pupil_ref,
        "year_group": referral.year_group,
        "ehc_plan": referral.ehc_plan,
        "sen_support": referral.sen_support,
        "looked_after": referral.looked_after,
        "provider_id": decision.provider_id,
        "reason": PLACEMENT_REASON,
        "start_date": decision.start_date.isoformat(),
        "planned_end_date": decision.planned_end_date.isoformat(),
        "days_per_week": decision.days_per_week,
        "hours_per_week": float(decision.hours_per_week),
        "objectives": referral.needs,
        "placing_reason": decision.decision_reason,
    }


def _place(user, referral, decision, today):
    """Record the placement of an accepted place through save_placement; Invalid on the
    decision's fields when the placement breaks a placement rule."""
    try:
        change = read(PlacementBody, _placement_body(referral, decision)).to_change()
        placement, _ = save_placement(user, str(uuid.uuid4()), change, today=today)
    except Invalid as problem:
        fields = {}
        for path, message in problem.fields.items():
            field = PLACEMENT_FIELDS.get(path.split(".")[0], "outcome")
            fields.setdefault(field, message if message[:1].isupper() else f"The placement {message}")
        raise Invalid(fields) from None
    return placement


def _decision_comment(referral, decision):
    """The decision's reason, in the words the history shows."""
    if decision.outcome == "place":
        place = f"A place at {referral.provider.name} from {long_date(decision.start_date)}"
        return place + (f". {decision.decision_reason}" if decision.decision_reason else "")
    if decision.outcome == "more_information":
        return decision.information_needed
    if decision.outcome == "signposted":
        return decision.signposted_to
    return decision.decision_reason


def decide(user, referral, decision, today=None):
    """Record the panel's decision on a sent referral (a place becomes a placement); returns
    the referral. Raises Invalid (nothing written), NotFound, Forbidden or Locked."""
    if not can_see_referral(user, referral):
        raise NotFound("No such referral.")
    if not may_decide_referral(user, referral):
        raise Forbidden("Only the Gateway panel decides referrals.")
    if referral.status != "sent":
        raise Locked("Only a referral with the panel can be decided.")
    errors = decision_errors(decision)
    provider = db.session.get(Provider, decision.provider_id) if decision.outcome == "place" else None
    if not errors and decision.outcome == "place" and provider is None:
        errors["provider_id"] = "Choose a provider on the register"
    if errors:
        raise Invalid(errors)
    placement = _place(user, referral, decision, today or date.today()) if provider else None
    for name in DECISION_FIELDS:
        setattr(referral, name, getattr(decision, name))
    referral.provider = provider
    referral.status = "accepted" if decision.outcome in ("outreach", "place") else decision.outcome
    referral.decided_by, referral.decided_at = user, utcnow()
    db.session.flush()
    action = "accepted" if referral.status == "accepted" else referral.status
    _record(referral, user, action, _decision_comment(referral, decision))
    if placement is not None:
        referral.placement = placement
        _record(referral, user, "placement_created", f"Placement at {placement.provider.name}")
    db.session.flush()
    _tell_school(referral, decision)
    return referral


def _tell_school(referral, decision):
    """Email the school's staff the panel's decision and its reason."""
    staff = active_emails("school", school_id=referral.school_id)
    then = (
        "Change the referral and send it to the panel again."
        if decision.outcome == "more_information"
        else "See the referral for the panel's reasons."
    )
    queue_email(
        staff,
        f"Gateway panel: referral {referral.pupil_ref}: {OUTCOMES[decision.outcome].lower()}",
        f"The Gateway panel's decision on the referral of {referral.pupil_ref}: "
        f"{OUTCOMES[decision.outcome]}.\n\n{_decision_comment(referral, decision)}\n\n{then}\n",
    )
