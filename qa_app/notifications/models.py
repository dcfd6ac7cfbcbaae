"""One row per email waiting to go, or already sent."""

from datetime import UTC, datetime

from qa_app.extensions import db


def utcnow():
    """The current time in UTC, as stored in every timestamp column."""
    return datetime.now(UTC).replace(tzinfo=None)


class OutboxEmail(db.Model):
    """An email to send: its message, and how delivery has gone so far."""

    __tablename__ = "outbox_email"
    __table_args__ = (db.Index("ix_outbox_email_due", "sent_at", "next_attempt_at"),)

    id = db.Column(db.Integer, primary_key=True)
    # Addresses separated by ", ", as in the To header.
    recipients = db.Column(db.Text, nullable=False)
    subject = db.Column(db.String(300), nullable=False)
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_error = db.Column(db.Text, nullable=False, default="")
    sent_at = db.Column(db.DateTime)

    def __repr__(self):
        return f"<OutboxEmail {self.id} {self.subject!r} sent={self.sent_at}>"
