"""Reminders that a provider's document is about to expire: 42 and 14 days before its expiry
date and on the day, each sent once however often the daily command runs. They go through
the outbox to the provider's staff and its officer."""

from datetime import timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased, joinedload

from qa_app.auth.services import active_emails
from qa_app.dates import long_date
from qa_app.documents.models import REMINDER_DAYS, DocumentReminder, ProviderDocument
from qa_app.extensions import db
from qa_app.notifications.outbox import queue_email


def provider_recipients(provider):
    """The addresses of the provider's active staff and of its officer."""
    staff = active_emails("provider", provider_id=provider.id)
    officer = provider.officer
    return list(dict.fromkeys([*staff, officer.email if officer and officer.active else None]))


def stage_for(days_left):
    """The reminder due with this many days left (the nearest stage reached), or None."""
    reached = [days for days in REMINDER_DAYS if days_left <= days]
    return min(reached) if reached else None


def _held_documents_expiring(today):
    """Approved documents expiring within the first stage that are still the provider's latest
    approved version of that document."""
    later = aliased(ProviderDocument)
    newer_held = exists().where(
        and_(
            later.provider_id == ProviderDocument.provider_id,
            later.code == ProviderDocument.code,
            later.status == "approved",
            later.expiry_date > ProviderDocument.expiry_date,
        )
    )
    return db.session.scalars(
        select(ProviderDocument)
        .options(joinedload(ProviderDocument.provider))
        .where(
            ProviderDocument.status == "approved",
            ProviderDocument.expiry_date <= today + timedelta(days=max(REMINDER_DAYS)),
            ~newer_held,
        )
        .order_by(ProviderDocument.expiry_date, ProviderDocument.id)
    ).all()


def _message(document, days_left):
    provider, name = document.provider, document.name
    if days_left > 0:
        subject = f"{name} expires in {days_left} days: {provider.name}"
        when = f"expires on {long_date(document.expiry_date)}, in {days_left} days"
    elif days_left == 0:
        subject = f"{name} expires today: {provider.name}"
        when = "expires today"
    else:
        subject = f"{name} is out of date: {provider.name}"
        when = f"expired on {long_date(document.expiry_date)}"
    body = (
        f"{provider.name}'s {name} {when}.\n\n"
        "Upload the renewed document with its new dates, so that the provider's officer can "
        "approve it before it runs out. A mandatory document out of date for more than 14 days "
        "means the provider is no longer quality assured.\n"
    )
    return subject, body


def send_document_reminders(today):
    """Queue each reminder that is due today and not sent yet; returns how many were queued."""
    documents = _held_documents_expiring(today)
    sent = {
        (row.document_id, row.days_before)
        for row in db.session.scalars(
            select(DocumentReminder).where(DocumentReminder.document_id.in_([d.id for d in documents]))
        )
    }
    queued = 0
    for document in documents:
        days_left = (document.expiry_date - today).days
        stage = stage_for(days_left)
        # A stage already sent, or a nearer one, means nothing more until the next stage.
        if stage is None or any((document.id, days) in sent for days in REMINDER_DAYS if days <= stage):
            continue
        subject, body = _message(document, days_left)
        queue_email(provider_recipients(document.provider), subject, body)
        db.session.add(DocumentReminder(document_id=document.id, days_before=stage))
        queued += 1
    db.session.flush()
    return queued
