"""Placing and releasing legal holds (the Head of Access or an administrator, with a reason).
Flush, never commit: the page commits."""

import re
import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from qa_app.dates import utcnow
from qa_app.domain import Conflict, Invalid
from qa_app.escalations.models import Escalation
from qa_app.extensions import db
from qa_app.placements.models import Placement
from qa_app.referrals.models import Referral
from qa_app.retention.models import LegalHold
from qa_app.visits.models import Visit

ALREADY_HELD = "This record is already on hold"
NOT_FOUND = {
    "placement": "No placement has this reference: copy it from the end of the placement's page address",
    "visit": "No visit has this reference: copy it from the end of the visit's page address",
    "escalation": "No escalation has this reference, like ESC-00012",
    "referral": "No referral has this number, like 42",
}


def _uuid(text):
    """`text` as a UUID in its usual lower-case form, or None when it is not one."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def _number(text, prefix=""):
    """The whole number in `text` (after an optional prefix such as ESC-), or None."""
    match = re.fullmatch(rf"(?:{prefix})?0*(\d{{1,9}})", text.strip(), re.IGNORECASE)
    return int(match.group(1)) if match else None


def find_record(kind, reference):
    """(id, reference as shown) of the record of `kind` the person typed, or None."""
    reference = reference.strip()
    if kind in ("placement", "visit"):
        model = Placement if kind == "placement" else Visit
        reference = _uuid(reference)
        if reference is None:
            return None
        record_id = db.session.scalar(select(model.id).where(model.uuid == reference))
        return (record_id, reference) if record_id else None
    if kind == "escalation":
        number = _number(reference, "ESC-")
        found = number and db.session.get(Escalation, number)
        return (found.id, found.reference) if found else None
    number = _number(reference)
    found = number and db.session.get(Referral, number)
    return (found.id, f"referral {found.id}") if found else None


def active_holds():
    """Every hold not released, newest first, with who placed it."""
    return db.session.scalars(
        select(LegalHold)
        .where(LegalHold.released_at.is_(None))
        .order_by(LegalHold.placed_at.desc(), LegalHold.id.desc())
    ).all()


def released_holds(limit=50):
    """The latest released holds, newest release first."""
    return db.session.scalars(
        select(LegalHold)
        .where(LegalHold.released_at.is_not(None))
        .order_by(LegalHold.released_at.desc())
        .limit(limit)
    ).all()


def place_hold(user, kind, reference, reason):
    """Hold the record of `kind` named by `reference`; Invalid (by field) when there is no
    such record, no reason, or the record is already held."""
    found = find_record(kind, reference)
    if found is None:
        raise Invalid({"reference": NOT_FOUND[kind]})
    if not reason.strip():
        raise Invalid({"reason": "Say why the record must be kept"})
    hold = LegalHold(
        record_kind=kind, record_id=found[0], reference=found[1], reason=reason.strip(), placed_by_id=user.id
    )
    try:
        with db.session.begin_nested():
            db.session.add(hold)
            db.session.flush()
    except IntegrityError:
        raise Invalid({"reference": ALREADY_HELD}) from None
    return hold


def release_hold(user, hold, version, reason):
    """Release `hold` as it was at `version`, with a reason; Conflict when it has changed (or
    been released) since, Invalid with no reason."""
    if not hold.active or str(hold.version) != str(version):
        raise Conflict("The hold was changed by someone else")
    if not reason.strip():
        raise Invalid({"release_reason": "Say why the record need no longer be kept"})
    hold.release_reason = reason.strip()
    hold.released_by_id = user.id
    hold.released_at = utcnow()
    db.session.flush()
    return hold
