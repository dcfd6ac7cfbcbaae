"""Subject access requests, and each production of a request's pack."""

import calendar
from datetime import date

from qa_app.dates import utcnow
from qa_app.extensions import db

FORMATS = {"pdf": "PDF", "json": "JSON"}


def one_month_after(day):
    """The same day of the next calendar month, or its last day when it has none
    (31 January gives 28 or 29 February): the statutory month of a subject access request."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class SubjectAccessRequest(db.Model):
    """A request for everything held about one pupil, by the school's reference: when it was
    received (the statutory month runs from then), who logged it, and when it was answered."""

    __tablename__ = "subject_access_request"

    id = db.Column(db.Integer, primary_key=True)
    school_id = db.Column(db.ForeignKey("school.id"), nullable=False, index=True)
    pupil_ref = db.Column(db.String(20), nullable=False)
    received_on = db.Column(db.Date, nullable=False)
    logged_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    logged_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # The day the pack was first produced.
    completed_on = db.Column(db.Date)

    school = db.relationship("School")
    logged_by = db.relationship("User")
    productions = db.relationship(
        "SubjectAccessProduction",
        back_populates="request",
        order_by="SubjectAccessProduction.id.desc()",
        cascade="all, delete-orphan",
    )

    # The list: newest received first.
    __table_args__ = (db.Index("ix_subject_access_request_received", "received_on", "id"),)

    @property
    def reference(self):
        """How the request is named on its pages and in its pack."""
        return f"SAR-{self.id:05d}"

    @property
    def due_on(self):
        """One calendar month from the day it was received."""
        return one_month_after(self.received_on)

    def is_overdue(self, today):
        """Not answered and past its due date."""
        return self.completed_on is None and today > self.due_on

    def __repr__(self):
        return f"<SubjectAccessRequest {self.id} {self.pupil_ref}>"


class SubjectAccessProduction(db.Model):
    """One production of a request's pack: by whom, when, in which format, the SHA-256 of the
    file sent and how many records of each kind it held."""

    __tablename__ = "subject_access_production"

    id = db.Column(db.Integer, primary_key=True)
    request_id = db.Column(
        db.ForeignKey("subject_access_request.id", ondelete="CASCADE"), nullable=False, index=True
    )
    produced_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    produced_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    format = db.Column(db.String(4), nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    counts = db.Column(db.JSON, nullable=False, default=dict)

    request = db.relationship(SubjectAccessRequest, back_populates="productions")
    produced_by = db.relationship("User")

    __table_args__ = (db.CheckConstraint("format IN ('pdf', 'json')", name="format_known"),)
