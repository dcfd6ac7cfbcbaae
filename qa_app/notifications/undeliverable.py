"""The addresses the mail server refused for good, for an administrator to put right."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from qa_app.extensions import db
from qa_app.notifications.models import OutboxRecipient

# The page shows the latest; the count says how many there are in all.
SHOWN = 50


def undeliverable(limit=SHOWN):
    """(the latest undeliverable recipients with their emails, newest first; how many in all)."""
    rows = db.session.scalars(
        select(OutboxRecipient)
        .where(OutboxRecipient.undeliverable_at.is_not(None))
        .options(joinedload(OutboxRecipient.email))
        .order_by(OutboxRecipient.undeliverable_at.desc(), OutboxRecipient.id.desc())
        .limit(limit)
    ).all()
    total = db.session.scalar(
        select(func.count()).select_from(OutboxRecipient).where(OutboxRecipient.undeliverable_at.is_not(None))
    )
    return rows, total
