"""Registration rule versions: the law in force is data an admin chooses."""

from qa_app.dates import utcnow
from qa_app.extensions import db


class RegistrationRules(db.Model):
    """One version of the registration test's rules; the version in force is the latest
    published one whose in-force date has come."""

    __tablename__ = "registration_rules"

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(40), nullable=False, unique=True)
    title = db.Column(db.String(200), nullable=False)
    rules = db.Column(db.JSON, nullable=False)
    status = db.Column(db.String(10), nullable=False, default="draft")
    in_force_from = db.Column(db.Date)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (db.CheckConstraint("status IN ('draft', 'published')", name="status_known"),)

    @property
    def is_published(self):
        """Published versions never change."""
        return self.status == "published"
