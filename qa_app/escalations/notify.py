"""Emails about escalations: to the Head of Access when one is raised or overdue, to the
person who raised it when its state changes. Links only, never pupil details.

Each is written to the outbox with the change, in the same transaction, and sent by
`flask send-notifications`."""

from flask import current_app, url_for
from sqlalchemy import select

from qa_app.auth.permissions import can
from qa_app.auth.services import active_emails
from qa_app.dates import long_date, utcnow
from qa_app.escalations.models import STATES, Escalation
from qa_app.extensions import db
from qa_app.notifications.outbox import queue_email


def _link(escalation):
    # Built against BASE_URL so that it works from the daily command too, outside a request.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for("escalations.show", escalation_id=escalation.id, _external=True)


def _heads():
    return active_emails("head_of_access")


def raised(escalation):
    """Tell the Head of Access that a concern needs review."""
    queue_email(
        _heads(),
        f"New escalation {escalation.reference}: possible unregistered provision",
        f"A concern about possible unregistered provision has been raised and needs review "
        f"by {long_date(escalation.review_due)}.\n\n{_link(escalation)}\n",
    )


def further_concern(escalation):
    """Tell the Head of Access that a further concern was added to an open escalation."""
    queue_email(
        _heads(),
        f"Further concern added to escalation {escalation.reference}",
        f"A further concern has been reported about the premises of this escalation. "
        f"It is in the escalation's history.\n\n{_link(escalation)}\n",
    )


def state_changed(escalation):
    """Tell the person who raised the escalation that it has moved on."""
    reporter = escalation.reported_by
    if reporter is None or not can(reporter, "escalation.view"):
        return  # school staff are told only that their report was received
    queue_email(
        [reporter.email],
        f"Escalation {escalation.reference} is now: {STATES[escalation.state]}",
        f"The escalation you raised has a new state: {STATES[escalation.state]}.\n\n{_link(escalation)}\n",
    )


def send_overdue_reminders(today):
    """Email the Head of Access once about each escalation not reviewed in time; returns how many."""
    overdue = db.session.scalars(
        select(Escalation).where(
            Escalation.is_overdue(today),
            Escalation.overdue_notified_at.is_(None),
        )
    ).all()
    for escalation in overdue:
        queue_email(
            _heads(),
            f"Overdue: escalation {escalation.reference} has not been reviewed",
            f"This escalation was due for review by {long_date(escalation.review_due)}.\n\n{_link(escalation)}\n",
        )
        escalation.overdue_notified_at = utcnow()
    db.session.flush()
    return len(overdue)
