"""Escalations of possible unregistered provision, and their audit trail."""

from sqlalchemy import and_
from sqlalchemy.ext.hybrid import hybrid_method

from qa_app.dates import utcnow
from qa_app.extensions import db

SOURCES = {
    "registration_test": "Registration check on a visit",
    "officer": "Officer's judgement",
    "report": "Report of a concern",
    "placements": "Placements across schools",
}
STATES = {
    "raised": "Raised",
    "under_review": "Under review",
    "no_further_action": "No further action",
    "monitoring": "Monitoring",
    "referred_to_director": "Referred to the Director of Education",
    "reported_to_ofsted": "Reported to Ofsted",
    "closed": "Closed",
}
EVENTS = {
    "raise": "Raised",
    "concern": "Further concern reported",
    "view": "Viewed",
    "transition": "Decision",
    "suspend": "Provider suspended",
    "unsuspend": "Suspension lifted",
    "referral_pack": "Referral pack downloaded",
    "retest": "Placements tested again",
    "evidence": "Evidence added from another source",
}
# One open escalation per provider, whatever raised it: a second source adds to it.
ONE_OPEN_PER_PROVIDER = "provider_id IS NOT NULL AND state != 'closed'"
# docs/domain.md §2.4: which state may follow which.
TRANSITIONS = {
    "raised": ("under_review",),
    "under_review": ("no_further_action", "monitoring", "referred_to_director"),
    "monitoring": ("under_review", "referred_to_director", "closed"),
    "no_further_action": ("closed",),
    "referred_to_director": ("reported_to_ofsted", "closed"),
    "reported_to_ofsted": ("closed",),
    "closed": (),
}


class Escalation(db.Model):
    """A concern that premises may be operating as an unregistered school."""

    id = db.Column(db.Integer, primary_key=True)
    source = db.Column(db.String(20), nullable=False)
    # One escalation per visit at most: a replayed or resubmitted visit cannot raise another.
    visit_id = db.Column(db.ForeignKey("visit.id"), unique=True)
    provider_id = db.Column(db.ForeignKey("provider.id"), index=True)
    # Room for a provider's address (300) with ", " and its postcode (8).
    address = db.Column(db.String(320), nullable=False)
    postcode = db.Column(db.String(8), nullable=False, default="")
    description = db.Column(db.Text, nullable=False)
    how_known = db.Column(db.Text, nullable=False, default="")
    estimated_pupils = db.Column(db.Integer)
    estimated_hours = db.Column(db.Float)
    dates_seen = db.Column(db.String(200), nullable=False, default="")
    test_result = db.Column(db.JSON)
    reported_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    state = db.Column(db.String(24), nullable=False, default="raised")
    review_due = db.Column(db.Date, nullable=False)
    review_date = db.Column(db.Date)
    ofsted_reported_on = db.Column(db.Date)
    ofsted_reference = db.Column(db.String(40), nullable=False, default="")
    outcome = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    state_changed_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    overdue_notified_at = db.Column(db.DateTime)

    provider = db.relationship("Provider")
    visit = db.relationship("Visit")
    reported_by = db.relationship("User")

    __table_args__ = (
        db.CheckConstraint(
            "state IN ('raised', 'under_review', 'no_further_action', 'monitoring', "
            "'referred_to_director', 'reported_to_ofsted', 'closed')",
            name="state_known",
        ),
        db.CheckConstraint(
            "source IN ('registration_test', 'officer', 'report', 'placements')", name="source_known"
        ),
        # Two saves at once still make one: the second insert fails and finds the first.
        db.Index(
            "uq_escalation_open_provider",
            "provider_id",
            unique=True,
            sqlite_where=db.text(ONE_OPEN_PER_PROVIDER),
            postgresql_where=db.text(ONE_OPEN_PER_PROVIDER),
        ),
        # The queue and the dashboard count escalations by state, due date and age from the
        # index alone: a row's test result can be kilobytes, and the dates come after it.
        db.Index("ix_escalation_state_due", "state", "review_due", "created_at"),
    )

    @property
    def is_open(self):
        return self.state != "closed"

    @hybrid_method
    def is_overdue(self, today):
        """Not yet reviewed within 5 working days of being raised (docs/domain.md §2.4);
        as SQL too: `select(Escalation).where(Escalation.is_overdue(today))`."""
        return self.state == "raised" and today > self.review_due

    @is_overdue.expression
    def is_overdue(cls, today):
        return and_(cls.state == "raised", cls.review_due < today)

    @property
    def reference(self):
        return reference_of(self.id)


def reference_of(escalation_id):
    """How people name an escalation: ESC-00042."""
    return f"ESC-{escalation_id:05d}"


class EscalationEvent(db.Model):
    """The audit trail of an escalation: every change, with who, when and why. Kept after the
    escalation is closed. Its views are in the read log (qa_app/audit), beside every other
    read of safeguarding content; the escalation's page shows both."""

    id = db.Column(db.Integer, primary_key=True)
    escalation_id = db.Column(db.ForeignKey("escalation.id"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    action = db.Column(db.String(20), nullable=False)
    from_state = db.Column(db.String(24))
    to_state = db.Column(db.String(24))
    reason = db.Column(db.Text, nullable=False, default="")
    at = db.Column(db.DateTime, nullable=False, default=utcnow)

    user = db.relationship("User")
