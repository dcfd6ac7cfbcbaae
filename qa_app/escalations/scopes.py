"""Which escalations a user may see, and who sees the receipt for a concern."""

from sqlalchemy import false, or_, select, true

from qa_app.auth.permissions import sees_everything
from qa_app.escalations.models import Escalation, EscalationEvent
from qa_app.extensions import db
from qa_app.providers.models import Provider


def escalations_visible_to(user):
    """SQL condition on Escalation: all for the Head of Access; an officer's own reports and
    those about their providers; none for anyone else (schools see only their receipt)."""

    if sees_everything(user):
        return true()
    if getattr(user, "role", None) == "officer":
        mine = select(Provider.id).where(Provider.officer_id == user.id)
        return or_(Escalation.reported_by_id == user.id, Escalation.provider_id.in_(mine))
    return false()


def may_see_receipt(user, escalation):
    """Whoever reported a concern sees the receipt for it, and so does whoever's report was
    added to it (one open escalation per provider takes every report about it)."""

    if escalation.reported_by_id == user.id:
        return True
    added = select(EscalationEvent.id).where(
        EscalationEvent.escalation_id == escalation.id,
        EscalationEvent.user_id == user.id,
        EscalationEvent.action == "concern",
    )
    return db.session.scalar(added.limit(1)) is not None
