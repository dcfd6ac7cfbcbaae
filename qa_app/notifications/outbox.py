"""Queueing emails with the change that causes them, and delivering them with retries.

Each email is taken in its own short transaction: the row is locked (FOR UPDATE SKIP
LOCKED on PostgreSQL, so two workers never take the same one), sent, and marked sent
before the commit releases it. A failure records the error and waits longer each time.
"""

import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from qa_app.extensions import db
from qa_app.mail import send_email
from qa_app.notifications.models import OutboxEmail, utcnow

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


def queue_email(to, subject, body):
    """Add an email to the outbox in the current transaction; returns the row, or None
    when there is no one to send it to."""
    recipients = [address for address in to if address]
    if not recipients:
        return None
    email = OutboxEmail(recipients=", ".join(recipients), subject=subject[:300], body=body)
    db.session.add(email)
    db.session.flush()
    return email


def retry_wait(attempts):
    """How long to wait after this many failed attempts: 1, 2, 4 ... minutes, at most an hour."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def _take_next(now, skipped):
    """Lock and return the next email due, or None."""
    query = (
        select(OutboxEmail)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if skipped:
        query = query.where(OutboxEmail.id.not_in(skipped))
    return db.session.scalar(query)


def deliver_due(now=None):
    """Send every email due by now, one transaction each; returns (sent, failed)."""
    now = now or utcnow()
    sent, failed = 0, []
    while (email := _take_next(now, failed)) is not None:
        try:
            send_email(email.recipients.split(", "), email.subject, email.body)
        except Exception as problem:  # any failure is kept and retried; the next email still goes
            email.attempts += 1
            email.last_error = f"{type(problem).__name__}: {problem}"[:2000]
            email.next_attempt_at = utcnow() + retry_wait(email.attempts)
            failed.append(email.id)
            current_app.logger.warning(
                "Email %s not sent (attempt %s): %s", email.id, email.attempts, problem
            )
        else:
            email.attempts += 1
            email.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent, len(failed)


def deliver_forever(interval, echo):
    """Deliver what is due every `interval` seconds until stopped (the --loop worker)."""
    while True:
        sent, failed = deliver_due()
        if sent or failed:
            echo(f"Emails sent: {sent}; failed, to retry later: {failed}.")
        db.session.remove()  # a fresh session (and connection check) for each round
        time.sleep(interval)
