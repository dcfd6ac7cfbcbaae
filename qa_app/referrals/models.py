"""Referrals of pupils to the Gateway panel, and their history (docs/domain.md §2.8).

A school refers a pupil, by its own reference and never by name, for outreach or a place.
Seed 000 says what a good referral holds; the panel records a decision with its reason,
and an accepted place becomes a placement (2.6)."""

from sqlalchemy import and_
from sqlalchemy.ext.hybrid import hybrid_property

from qa_app.dates import utcnow
from qa_app.extensions import db, known_values

REQUESTS = {"outreach": "Outreach support", "place": "A place"}
EP_ASSESSMENTS = {
    "done": "An educational psychologist has assessed the pupil",
    "commitment": "The school will refer to an educational psychologist when one is available",
    "neither": "Neither yet",
}
CAF_STATES = {
    "opened": "A CAF has been opened",
    "refused": "The parents or carers refused a CAF",
    "not_opened": "No CAF has been opened",
}
STATUSES = {
    "draft": "Draft",
    "sent": "Sent to the panel",
    "more_information": "More information needed",
    "accepted": "Accepted",
    "not_accepted": "Not accepted",
    "signposted": "Signposted elsewhere",
}
# What the panel may decide; an acceptance is for outreach or for a place.
OUTCOMES = {
    "outreach": "Accepted for outreach",
    "place": "Accepted for a place",
    "more_information": "More information needed",
    "not_accepted": "Not accepted",
    "signposted": "Signposted elsewhere",
}
# The school may change a referral while it is a draft or has been returned to it.
EDITABLE = ("draft", "more_information")
EVENTS = {
    "created": "Referral started",
    "changed": "Referral changed",
    "sent": "Sent to the Gateway panel",
    "resent": "Sent to the Gateway panel again",
    "safeguarding_concern": "Flagged to the panel as a safeguarding concern",
    "more_information": "Returned to the school for more information",
    "accepted": "Accepted",
    "not_accepted": "Not accepted",
    "signposted": "Signposted elsewhere",
    "placement_created": "Placement recorded",
}


class Referral(db.Model):
    """One pupil's referral by a school to the Gateway panel, and the panel's decision."""

    id = db.Column(db.Integer, primary_key=True)
    # Made by the new-referral form when it is opened: the same form sent twice (a double
    # click on "Send to the Gateway panel") finds the referral the first made.
    uuid = db.Column(db.String(36), unique=True)
    school_id = db.Column(db.ForeignKey("school.id"), nullable=False, index=True)
    created_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    status = db.Column(db.String(20), nullable=False, default="draft")
    # The pupil, by the school's own reference.
    pupil_ref = db.Column(db.String(20), nullable=False)
    year_group = db.Column(db.Integer, nullable=False)
    ehc_plan = db.Column(db.Boolean, nullable=False, default=False)
    sen_support = db.Column(db.Boolean, nullable=False, default=False)
    looked_after = db.Column(db.Boolean, nullable=False, default=False)
    # What is asked for, and why.
    asked_for = db.Column(db.String(10), nullable=False, default="outreach")
    needs = db.Column(db.Text, nullable=False, default="")
    what_has_happened = db.Column(db.Text, nullable=False, default="")
    # What seed 000 asks a good referral to hold.
    isat_involved = db.Column(db.Boolean, nullable=False, default=False)
    isat_advice = db.Column(db.Text, nullable=False, default="")
    ep_assessment = db.Column(db.String(12), nullable=False, default="neither")
    social_care_involved = db.Column(db.Boolean, nullable=False, default=False)
    caf = db.Column(db.String(12), nullable=False, default="not_opened")
    caf_refusal_evidence = db.Column(db.Text, nullable=False, default="")
    caf_refusal_actions = db.Column(db.Text, nullable=False, default="")
    caf_refusal_persistent = db.Column(db.Boolean, nullable=False, default=False)
    senco_involved = db.Column(db.Boolean, nullable=False, default=False)
    interventions = db.Column(db.Text, nullable=False, default="")
    urgent = db.Column(db.Boolean, nullable=False, default=False)
    urgent_reason = db.Column(db.Text, nullable=False, default="")
    # When it last went to the panel (the queue is oldest first).
    sent_at = db.Column(db.DateTime)
    # The panel's decision.
    outcome = db.Column(db.String(20))
    decision_reason = db.Column(db.Text, nullable=False, default="")
    information_needed = db.Column(db.Text, nullable=False, default="")
    signposted_to = db.Column(db.Text, nullable=False, default="")
    provider_id = db.Column(db.ForeignKey("provider.id"))
    placement_id = db.Column(db.ForeignKey("placement.id"))
    decided_by_id = db.Column(db.ForeignKey("user.id"))
    decided_at = db.Column(db.DateTime)

    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    school = db.relationship("School")
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    decided_by = db.relationship("User", foreign_keys=[decided_by_id])
    provider = db.relationship("Provider")
    placement = db.relationship("Placement")
    events = db.relationship(
        "ReferralEvent",
        back_populates="referral",
        order_by="ReferralEvent.id",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        db.Index("ix_referral_queue", "status", "urgent", "sent_at"),
        # The panel's returned and decided referrals, newest first, read from the newest back.
        db.Index("ix_referral_updated", "updated_at", "id"),
        known_values("status", STATUSES),
        known_values("asked_for", REQUESTS),
        known_values("ep_assessment", EP_ASSESSMENTS),
        known_values("caf", CAF_STATES),
        known_values("outcome", OUTCOMES, nullable=True),
        db.CheckConstraint("year_group >= 0 AND year_group <= 14", name="year_group_in_range"),
    )

    @property
    def editable(self):
        """The school may change it: a draft, or returned for more information."""
        return self.status in EDITABLE

    @hybrid_property
    def safeguarding_concern(self):
        """Parents or carers persistently refuse a CAF: the panel treats it as a safeguarding
        concern. As SQL too: `select(Referral.safeguarding_concern)`."""
        return self.caf == "refused" and bool(self.caf_refusal_persistent)

    @safeguarding_concern.inplace.expression
    @classmethod
    def _safeguarding_concern(cls):
        return and_(cls.caf == "refused", cls.caf_refusal_persistent.is_(True))

    @property
    def decided(self):
        """The panel has made a final decision (accepted, not accepted or signposted)."""
        return self.status in ("accepted", "not_accepted", "signposted")

    def __repr__(self):
        return f"<Referral {self.id} {self.pupil_ref} {self.status}>"


class ReferralEvent(db.Model):
    """The history of a referral: who did what, when, and what they said or changed."""

    id = db.Column(db.Integer, primary_key=True)
    referral_id = db.Column(db.ForeignKey("referral.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    action = db.Column(db.String(24), nullable=False)
    comment = db.Column(db.Text, nullable=False, default="")
    at = db.Column(db.DateTime, nullable=False, default=utcnow)

    referral = db.relationship(Referral, back_populates="events")
    user = db.relationship("User")

    __table_args__ = (known_values("action", EVENTS),)
