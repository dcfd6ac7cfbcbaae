"""Self-assessments: a provider's own judgement and evidence on each criterion of the
framework version in force, asked for by its officer before a visit."""

from qa_app.dates import utcnow
from qa_app.extensions import db

STATUSES = {"requested": "Requested", "submitted": "Sent"}
# What a provider may upload as evidence: PDFs and pictures, told apart by their first bytes.
FILE_TYPES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}


class SelfAssessment(db.Model):
    """One request for a provider's self-assessment, and the provider's answers to it."""

    id = db.Column(db.Integer, primary_key=True)
    provider_id = db.Column(db.ForeignKey("provider.id", ondelete="CASCADE"), nullable=False, index=True)
    framework_version_id = db.Column(db.ForeignKey("framework_version.id"), nullable=False)
    status = db.Column(db.String(10), nullable=False, default="requested")
    deadline = db.Column(db.Date, nullable=False)
    requested_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    requested_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    submitted_by_id = db.Column(db.ForeignKey("user.id"))
    submitted_at = db.Column(db.DateTime)
    version = db.Column(db.Integer, nullable=False, default=1)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    provider = db.relationship("Provider")
    framework_version = db.relationship("FrameworkVersion")
    requested_by = db.relationship("User", foreign_keys=[requested_by_id])
    submitted_by = db.relationship("User", foreign_keys=[submitted_by_id])
    answers = db.relationship(
        "SelfAssessmentAnswer",
        back_populates="self_assessment",
        cascade="all, delete-orphan",
        order_by="SelfAssessmentAnswer.id",
    )

    __table_args__ = (
        db.CheckConstraint("status IN ('requested', 'submitted')", name="status_known"),
        db.CheckConstraint("status != 'submitted' OR submitted_at IS NOT NULL", name="submitted_has_time"),
    )
    __mapper_args__ = {"version_id_col": version}

    def submitted_on_time(self):
        """True when it was sent by the end of its deadline."""
        return self.submitted_at is not None and self.submitted_at.date() <= self.deadline

    def overdue(self, today):
        """Not sent, and its deadline has passed."""
        return self.status != "submitted" and today > self.deadline


class SelfAssessmentAnswer(db.Model):
    """The provider's own judgement and evidence on one criterion."""

    id = db.Column(db.Integer, primary_key=True)
    self_assessment_id = db.Column(
        db.ForeignKey("self_assessment.id", ondelete="CASCADE"), nullable=False, index=True
    )
    criterion_code = db.Column(db.String(8), nullable=False)
    rating = db.Column(db.String(12))
    evidence = db.Column(db.Text, nullable=False, default="")

    self_assessment = db.relationship(SelfAssessment, back_populates="answers")

    __table_args__ = (
        db.UniqueConstraint("self_assessment_id", "criterion_code", name="uq_self_assessment_answer_code"),
        db.CheckConstraint(
            "rating IS NULL OR rating IN ('met', 'partly_met', 'not_met', 'not_seen')", name="rating_known"
        ),
    )


class SelfAssessmentFile(db.Model):
    """A document the provider gives as evidence for one criterion, kept in the database."""

    id = db.Column(db.Integer, primary_key=True)
    self_assessment_id = db.Column(
        db.ForeignKey("self_assessment.id", ondelete="CASCADE"), nullable=False, index=True
    )
    criterion_code = db.Column(db.String(8), nullable=False)
    filename = db.Column(db.String(200), nullable=False)
    content_type = db.Column(db.String(20), nullable=False)
    byte_size = db.Column(db.Integer, nullable=False)
    data = db.Column(db.LargeBinary, nullable=False)
    uploaded_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    self_assessment = db.relationship(SelfAssessment)
