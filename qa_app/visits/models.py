"""Visits, their criterion judgements and the actions they record."""

from collections import namedtuple

from sqlalchemy import and_

from qa_app.dates import utcnow
from qa_app.extensions import db

VISIT_TYPES = {
    "scheduled": "Scheduled",
    "unannounced": "Unannounced",
    "revisit": "Revisit",
    "desktop_review": "Desktop review",
}
VISIT_STATUSES = {
    "draft": "Draft",
    "submitted": "Awaiting sign-off",
    "returned": "Returned to officer",
    "signed_off": "Signed off",
}
ACTION_OWNERS = {"provider": "Provider", "authority": "Local authority", "school": "School"}
# Who may own an action on each kind of visit; the first is the default.
OWNERS_BY_KIND = {"provider": ("provider", "authority"), "school": ("school", "authority")}
# What an officer checks of each placement on a school visit (docs/domain.md §2.7).
PLACEMENT_CHECKS = {
    "record_complete": "The record is complete: plan, reviews on time, attendance, the pupil's view",
    "provider_qa_when_placed": "The provider was quality assured when the pupil was placed",
    "confirmation_held": "The written confirmation of safeguarding checks is held",
    "part_time_reviewed": "A part-time timetable was reviewed",
}
# The parts of a visit a change sets as they come (None: the change leaves the part alone),
# and those kept per theme, which a change lays over the stored ones theme by theme. Saving a
# change (visits/applying.py) and the copy kept when it loses to a newer version
# (visits/representation.py) read these, so a part is named here once.
SET_AS_SENT = tuple(
    ["visit_date", "visit_type", "people_met", "strengths", "pupil_voice", "action_outcomes", "action_notes"]
)
PER_THEME = ("theme_notes", "insufficient_reasons")
# Of those, the parts kept as {key: value} maps; the rest are single values.
MAPS = ("action_outcomes", "action_notes", *PER_THEME)
# Every part of a visit its officer writes as a value or a map: the two sets above and the
# pupils seen (set only when a change says so). The API's representation and the audit
# trail's snapshot read them through Visit.written_parts(), beside the judgements, actions
# and checks, which each shows its own way.
WRITTEN = (*SET_AS_SENT, "pupils_seen", *PER_THEME)
# How the audit trail names the parts of a visit that changed.
FIELD_LABELS = {
    "provider_id": "provider",
    "school_id": "school",
    "visit_date": "visit date",
    "visit_type": "type of visit",
    "framework_version": "framework version",
    "status": "status",
    "people_met": "people met",
    "pupils_seen": "pupils seen",
    "theme_notes": "theme comments",
    "insufficient_reasons": "reasons for insufficient evidence",
    "strengths": "strengths",
    "pupil_voice": "pupil voice",
    "actions": "actions",
    "action_outcomes": "previous actions",
    "action_notes": "notes on previous actions",
    "registration_evidence": "registration check",
    "placement_checks": "placement checks",
}
EVENT_LABELS = {
    "create": "Started",
    "change": "Changed",
    "submit": "Submitted",
    "sign_off": "Signed off",
    "return": "Returned to the officer",
    "email": "Report emailed",
    "share_draft": "Draft shared with the provider",
    "correct": "Corrected after the provider's comment",
}


# A judgement's columns as a save wrote them, or as a query of those columns reads them.
WrittenJudgement = namedtuple("WrittenJudgement", "criterion_id rating evidence")


class Visit(db.Model):
    """One QA visit to a provider, or to a school (docs/domain.md §2.7), under the framework
    version it was made with (a provider version or a school version).

    `uuid` is made by the client when the visit is created (so a tablet can create it
    offline); `version` counts every stored change, for optimistic concurrency.
    The ratings are stored when the visit is saved, from the version's rules.
    """

    # Not a column: the judgements as a save in this session has just written them
    # (WrittenJudgement rows, visits/applying.store_judgements), for the save's answer.
    written_judgements = None

    id = db.Column(db.Integer, primary_key=True)
    uuid = db.Column(db.String(36), nullable=False, unique=True)
    provider_id = db.Column(db.ForeignKey("provider.id"), index=True)
    school_id = db.Column(db.ForeignKey("school.id"), index=True)
    officer_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    framework_version_id = db.Column(db.ForeignKey("framework_version.id"), nullable=False)
    visit_date = db.Column(db.Date, nullable=False)
    visit_type = db.Column(db.String(20), nullable=False, default="scheduled")
    status = db.Column(db.String(12), nullable=False, default="draft", index=True)
    people_met = db.Column(db.Text, nullable=False, default="")
    pupils_seen = db.Column(db.Integer)
    theme_notes = db.Column(db.JSON, nullable=False, default=dict)
    strengths = db.Column(db.Text, nullable=False, default="")
    pupil_voice = db.Column(db.Text, nullable=False, default="")
    # Why a theme with insufficient evidence may still be submitted: {theme code: text}.
    insufficient_reasons = db.Column(db.JSON, nullable=False, default=dict)
    # The officer's outcome for the previous visits' open actions: {action id: done|not_done};
    # applied to the actions when the visit is signed off.
    action_outcomes = db.Column(db.JSON, nullable=False, default=dict)
    # {action id: what the officer found}, beside action_outcomes.
    action_notes = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")
    return_comment = db.Column(db.Text, nullable=False, default="")
    # The registration check (docs/domain.md §2.3): pupils by reference and sites, and the result
    # of the rules in force on the visit date (with the escalation it raised, if any).
    registration_evidence = db.Column(db.JSON, nullable=False, default=dict)
    registration_result = db.Column(db.JSON)
    # A school visit's checks of the school's placements:
    # {placement uuid: {check code (PLACEMENT_CHECKS): "yes" | "no" | "not_applicable", "note": text}}.
    placement_checks = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")
    theme_rags = db.Column(db.JSON, nullable=False, default=dict)
    overall_rag = db.Column(db.String(5))
    overall_why = db.Column(db.JSON, nullable=False, default=list)
    version = db.Column(db.Integer, nullable=False, default=1)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    submitted_at = db.Column(db.DateTime)
    signed_off_at = db.Column(db.DateTime)
    signed_off_by_id = db.Column(db.ForeignKey("user.id"))

    provider = db.relationship("Provider", foreign_keys=[provider_id])
    school = db.relationship("School", foreign_keys=[school_id])
    officer = db.relationship("User", foreign_keys=[officer_id])
    signed_off_by = db.relationship("User", foreign_keys=[signed_off_by_id])
    framework_version = db.relationship("FrameworkVersion")
    judgements = db.relationship("Judgement", back_populates="visit", cascade="all, delete-orphan")
    actions = db.relationship(
        "Action",
        foreign_keys="Action.visit_id",
        back_populates="visit",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        db.CheckConstraint(
            "visit_type IN ('scheduled', 'unannounced', 'revisit', 'desktop_review')",
            name="visit_type_known",
        ),
        db.CheckConstraint("status IN ('draft', 'submitted', 'returned', 'signed_off')", name="status_known"),
        db.CheckConstraint("(provider_id IS NULL) <> (school_id IS NULL)", name="visit_provider_or_school"),
        db.Index("ix_visit_provider_status_date", "provider_id", "status", "visit_date"),
        db.Index("ix_visit_school_status_date", "school_id", "status", "visit_date"),
        # An officer's visits in a state (their drafts and returned ones, for the offline
        # bundle and their lists) without reading the years of visits they have signed off.
        db.Index("ix_visit_officer_status", "officer_id", "status"),
    )

    def written_parts(self):
        """{part: value} of the WRITTEN parts, each map a copy, so a reader that changes what
        it is given never changes the visit behind SQLAlchemy's back."""
        return {name: dict(getattr(self, name)) if name in MAPS else getattr(self, name) for name in WRITTEN}

    @property
    def is_school_visit(self):
        return self.school_id is not None or self.school is not None

    @property
    def visited(self):
        """Who was visited: the provider, or the school."""
        return self.school if self.is_school_visit else self.provider

    def __repr__(self):
        return f"<Visit {self.uuid} {self.status}>"


class Judgement(db.Model):
    """The officer's judgement of one criterion on one visit, with its evidence."""

    id = db.Column(db.Integer, primary_key=True)
    visit_id = db.Column(db.ForeignKey("visit.id", ondelete="CASCADE"), nullable=False)
    criterion_id = db.Column(db.ForeignKey("criterion.id"), nullable=False)
    rating = db.Column(db.String(12), nullable=False)
    evidence = db.Column(db.Text, nullable=False, default="")

    visit = db.relationship(Visit, back_populates="judgements")
    criterion = db.relationship("Criterion")

    __table_args__ = (
        db.UniqueConstraint("visit_id", "criterion_id", name="uq_judgement_visit_criterion"),
        db.CheckConstraint("rating IN ('met', 'partly_met', 'not_met', 'not_seen')", name="rating_known"),
    )


class Action(db.Model):
    """Something to put right, recorded on a visit and closed when a later visit marks it
    done; it belongs to the provider visited, or to the school."""

    id = db.Column(db.Integer, primary_key=True)
    visit_id = db.Column(db.ForeignKey("visit.id", ondelete="CASCADE"), nullable=False, index=True)
    provider_id = db.Column(db.ForeignKey("provider.id"), index=True)
    school_id = db.Column(db.ForeignKey("school.id"), index=True)
    description = db.Column(db.Text, nullable=False)
    owner = db.Column(db.String(10), nullable=False, default="provider")
    due = db.Column(db.Date)
    status = db.Column(db.String(8), nullable=False, default="open")
    closed_by_visit_id = db.Column(db.ForeignKey("visit.id"))
    position = db.Column(db.Integer, nullable=False, default=0)

    visit = db.relationship(Visit, foreign_keys=[visit_id], back_populates="actions")

    __table_args__ = (
        db.CheckConstraint("owner IN ('provider', 'authority', 'school')", name="owner_known"),
        db.CheckConstraint("(provider_id IS NULL) <> (school_id IS NULL)", name="action_provider_or_school"),
        db.CheckConstraint("status IN ('open', 'done', 'not_done')", name="status_known"),
    )

    def is_overdue(self, today):
        return self.status == "open" and self.due is not None and self.due < today

    @classmethod
    def open_from_signed_off(cls):
        """SQL condition: an action still open, recorded on a signed-off visit (what the
        provider or school must still do; a draft's actions are not yet theirs). The query
        joins the action's Visit."""
        return and_(cls.status == "open", Visit.status == "signed_off")


class VisitEvent(db.Model):
    """The audit trail of a visit: who did what, when, and what changed."""

    id = db.Column(db.Integer, primary_key=True)
    visit_id = db.Column(db.ForeignKey("visit.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    action = db.Column(db.String(20), nullable=False)
    at = db.Column(db.DateTime, nullable=False, default=utcnow)
    changes = db.Column(db.JSON, nullable=False, default=list)
    comment = db.Column(db.Text, nullable=False, default="")

    user = db.relationship("User")


class VisitConflict(db.Model):
    """A losing copy of a visit from a stale save, kept for the officer to resolve."""

    id = db.Column(db.Integer, primary_key=True)
    visit_id = db.Column(db.ForeignKey("visit.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    base_version = db.Column(db.Integer, nullable=False)
    server_version = db.Column(db.Integer, nullable=False)
    payload = db.Column(db.JSON, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    resolved_at = db.Column(db.DateTime)
    resolution = db.Column(db.String(10))

    user = db.relationship("User")
