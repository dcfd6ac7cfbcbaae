"""A provider's uploaded documents, every version kept, and the reminders sent about them."""

from qa_app.dates import utcnow
from qa_app.extensions import db

DOCUMENT_STATUSES = {"pending": "Waiting for approval", "approved": "Approved", "rejected": "Rejected"}
# Reminders before a document's expiry date: days before it, and on the day (0).
REMINDER_DAYS = (42, 14, 0)


class ProviderDocument(db.Model):
    """One upload of one of the documents a provider must hold (a version of it).

    `code` is the document's code in the framework's list; `name` its name when uploaded.
    A document is in date to the end of `expiry_date`. The file lives in the database, so any
    app server serves it and one backup holds everything."""

    id = db.Column(db.Integer, primary_key=True)
    provider_id = db.Column(db.ForeignKey("provider.id", ondelete="CASCADE"), nullable=False, index=True)
    code = db.Column(db.String(60), nullable=False)
    name = db.Column(db.String(150), nullable=False)
    filename = db.Column(db.String(200), nullable=False)
    content_type = db.Column(db.String(40), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    data = db.deferred(db.Column(db.LargeBinary, nullable=False))
    issue_date = db.Column(db.Date, nullable=False)
    expiry_date = db.Column(db.Date, nullable=False, index=True)
    status = db.Column(db.String(10), nullable=False, default="pending")
    rejection_reason = db.Column(db.Text, nullable=False, default="")
    uploaded_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    uploaded_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    reviewed_by_id = db.Column(db.ForeignKey("user.id"))
    reviewed_at = db.Column(db.DateTime)
    version = db.Column(db.Integer, nullable=False, default=1)

    provider = db.relationship("Provider")
    uploaded_by = db.relationship("User", foreign_keys=[uploaded_by_id])
    reviewed_by = db.relationship("User", foreign_keys=[reviewed_by_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        db.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="document_status_known"),
        db.CheckConstraint("issue_date <= expiry_date", name="document_issued_before_expiry"),
        db.Index("ix_provider_document_code", "provider_id", "code", "status"),
    )

    @property
    def status_label(self):
        return DOCUMENT_STATUSES[self.status]

    def __repr__(self):
        return f"<ProviderDocument {self.provider_id} {self.code} {self.status}>"


class DocumentReminder(db.Model):
    """A reminder sent about one approved document: once per stage (days before expiry)."""

    document_id = db.Column(
        db.ForeignKey("provider_document.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    days_before = db.Column(db.Integer, primary_key=True, autoincrement=False)
    sent_at = db.Column(db.DateTime, nullable=False, default=utcnow)
