"""One row per email waiting to go, or already sent."""

from datetime import UTC, datetime

from qa_app.extensions import db


def utcnow():
    """The current time in UTC, as stored in every timestamp column."""
    return datetime.now(UTC).replace(tzinfo=None)


class OutboxEmail(db.Model):
    """An email to send: its message, and how delivery has gone so far. Each recipient is
    sent their own copy (OutboxRecipient); the email is done (`sent_at`) when every recipient
    has had theirs or has been found undeliverable."""

    __tablename__ = "outbox_email"
    __table_args__ = (db.Index("ix_outbox_email_due", "sent_at", "next_attempt_at"),)

    id = db.Column(db.Integer, primary_key=True)
    # Addresses separated by ", ", as queued; each one's delivery is an OutboxRecipient.
    recipients = db.Column(db.Text, nullable=False)
    subject = db.Column(db.String(300), nullable=False)
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_error = db.Column(db.Text, nullable=False, default="")
    sent_at = db.Column(db.DateTime)

    deliveries = db.relationship(
        "OutboxRecipient", back_populates="email", order_by="OutboxRecipient.id", cascade="all, delete-orphan"
    )

    def __repr__(self):
        return f"<OutboxEmail {self.id} {self.subject!r} sent={self.sent_at}>"


class OutboxRecipient(db.Model):
    """One recipient of an outbox email: sent, waiting (a temporary refusal or an outage is
    tried again), or undeliverable (the mail server refused the address for good, a 5xx)."""

    __tablename__ = "outbox_recipient"
    __table_args__ = (db.Index("ix_outbox_recipient_undeliverable", "undeliverable_at"),)

    id = db.Column(db.Integer, primary_key=True)
    email_id = db.Column(db.Integer, db.ForeignKey("outbox_email.id"), nullable=False, index=True)
    address = db.Column(db.String(320), nullable=False)
    sent_at = db.Column(db.DateTime)
    undeliverable_at = db.Column(db.DateTime)
    # The mail server's last answer about this address, e.g. "550 No such user".
    last_error = db.Column(db.Text, nullable=False, default="")

    email = db.relationship(OutboxEmail, back_populates="deliveries")

    @property
    def waiting(self):
        return self.sent_at is None and self.undeliverable_at is None
