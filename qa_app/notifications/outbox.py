"""Queueing emails with the change that causes them, and delivering them with retries.

Each email is taken in its own short transaction: the row is locked (FOR UPDATE SKIP
LOCKED on PostgreSQL, so two workers never take the same one), sent to each recipient still
waiting, one copy each, and marked before the commit releases it. A recipient the mail server
refuses for good (a 5xx answer) is recorded as undeliverable while the others get theirs; a
temporary refusal (4xx) or an outage keeps the email waiting, tried again after a longer wait
each time, for the recipients still waiting only.

The --loop worker (deliver_forever) stops on SIGTERM or SIGINT once the email it is sending
is done and committed (never half way through one, which would send some copies twice),
without taking another, and exits 0.
"""

import signal
import smtplib
import threading
from datetime import timedelta

from flask import current_app
from sqlalchemy import insert, select

from qa_app.extensions import db
from qa_app.mail import send_email
from qa_app.notifications.models import OutboxEmail, OutboxRecipient, utcnow

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


def queue_email(to, subject, body):
    """Add an email to the outbox in the current transaction; returns the row, or None
    when there is no one to send it to."""
    recipients = [address for address in to if address]
    if not recipients:
        return None
    email = OutboxEmail(recipients=", ".join(recipients), subject=subject[:300], body=body)
    email.deliveries = [OutboxRecipient(address=address) for address in dict.fromkeys(recipients)]
    db.session.add(email)  # written by the change's own flush, not a flush of its own
    return email


def queue_emails(messages):
    """Add many emails, (to, subject, body) each, in the current transaction (a job's
    alerts): two INSERT statements whatever their number (up to a thousand). No two may have
    the same recipients and subject; those with no one to send to are left out. Returns how
    many were queued."""
    rows = {}
    for to, subject, body in messages:
        recipients = list(dict.fromkeys(address for address in to if address))
        if recipients:
            row = {"recipients": ", ".join(recipients), "subject": subject[:300], "body": body}
            rows[row["recipients"], row["subject"]] = (recipients, row)
    if not rows:
        return 0
    # RETURNING without asking for the rows' order, which lets SQLite take them in one
    # statement; each id is matched to its email by recipients and subject.
    returned = db.session.execute(
        insert(OutboxEmail).returning(OutboxEmail.id, OutboxEmail.recipients, OutboxEmail.subject),
        [row for _, row in rows.values()],
    ).all()
    db.session.execute(
        insert(OutboxRecipient),
        [
            {"email_id": email_id, "address": address}
            for email_id, recipients, subject in returned
            for address in rows[recipients, subject][0]
        ],
    )
    return len(returned)


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


def refused_for_good(problem):
    """The mail server's permanent refusal of the recipient (a 5xx answer to RCPT or DATA),
    as "550 No such user"; None for anything worth trying again (4xx, an outage, a bug)."""
    if isinstance(problem, smtplib.SMTPRecipientsRefused):
        answers = list(problem.recipients.values())
    elif isinstance(problem, smtplib.SMTPDataError):
        answers = [(problem.smtp_code, problem.smtp_error)]
    else:
        return None
    if answers and all(500 <= code < 600 for code, _ in answers):
        code, text = answers[0]
        return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    return None


def _deliver(email):
    """Send the email to each recipient still waiting; returns the problems of those that
    must be tried again."""
    problems = []
    for delivery in email.deliveries:
        if not delivery.waiting:
            continue
        try:
            send_email([delivery.address], email.subject, email.body)
        except Exception as problem:  # any failure is kept; the other recipients still get theirs
            permanent = refused_for_good(problem)
            delivery.last_error = (permanent or f"{type(problem).__name__}: {problem}")[:2000]
            if permanent:
                delivery.undeliverable_at = utcnow()
                current_app.logger.warning(
                    "Email %s undeliverable to %s: %s", email.id, delivery.address, permanent
                )
            else:
                problems.append(delivery.last_error)
        else:
            delivery.sent_at = utcnow()
    return problems


def deliver_due(now=None, stopping=None):
    """Send every email due by now, one transaction each; returns (sent, failed): the emails
    done, and those kept to try again. `stopping()` true stops it between two emails."""
    now = now or utcnow()
    sent, failed = 0, []
    while not (stopping and stopping()) and (email := _take_next(now, failed)) is not None:
        email.attempts += 1
        problems = _deliver(email)
        if problems:
            email.last_error = problems[0]
            email.next_attempt_at = utcnow() + retry_wait(email.attempts)
            failed.append(email.id)
            current_app.logger.warning(
                "Email %s not sent (attempt %s): %s", email.id, email.attempts, problems[0]
            )
        else:
            email.sent_at = utcnow()
            sent += 1
        db.session.commit()
    return sent, len(failed)


class Stopper:
    """Set by SIGTERM or SIGINT while the worker runs: it then finishes its round and stops."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self):
        self.event = threading.Event()
        self.previous = {}

    def __enter__(self):
        for number in self.SIGNALS:
            self.previous[number] = signal.signal(number, self.stop)
        return self

    def __exit__(self, *exc):
        for number, handler in self.previous.items():
            signal.signal(number, handler)

    def stop(self, number=None, frame=None):
        """Ask the worker to stop after its round (the signal handler)."""
        self.event.set()

    @property
    def stopped(self):
        return self.event.is_set()

    def wait(self, seconds):
        """Wait until the next round is due, or less when asked to stop."""
        self.event.wait(seconds)


def deliver_forever(interval, echo):
    """Deliver what is due every `interval` seconds until SIGTERM or SIGINT (the --loop
    worker); the email being sent when the signal comes is finished and committed first."""
    with Stopper() as stopper:
        while not stopper.stopped:
            sent, failed = deliver_due(stopping=lambda: stopper.stopped)
            if sent or failed:
                echo(f"Emails sent: {sent}; failed, to retry later: {failed}.")
            db.session.remove()  # a fresh session (and connection check) for each round
            stopper.wait(interval)
    echo("Stopped.")
