"""Attendance alerts, one row each, and what the school did about it."""

from qa_app.dates import utcnow
from qa_app.extensions import db, known_values

# A session in words, as the alerts say when it was.
SESSION_WORDS = {"am": "this morning", "pm": "this afternoon"}
KINDS = {
    "absent_unknown": "Absent with no known reason",
    "not_marked": "Not marked by the deadline",
    "register_not_marked": "Register not marked by the deadline",
}
# What a school records after following an alert up.
OUTCOMES = {
    "contacted_home": "Contacted home",
    "pupil_safe": "The pupil is safe",
    "referred": "Referred (children's social care, the police or the attendance service)",
}


class AttendanceAlert(db.Model):
    """One alert: a pupil's session (placement, day, session), or a provider's whole register
    for a session (placement_id and school_id empty).

    `key` names what the alert is about ("absent_unknown:<placement>:<day>:<session>"); it is
    unique, so however often the job runs, and even when two runs overlap, each alert is
    raised, and emailed, once."""

    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(80), nullable=False, unique=True)
    kind = db.Column(db.String(20), nullable=False)
    day = db.Column(db.Date, nullable=False)
    session = db.Column(db.String(2), nullable=False)
    provider_id = db.Column(db.ForeignKey("provider.id"), nullable=False)
    school_id = db.Column(db.ForeignKey("school.id"), index=True)
    placement_id = db.Column(db.ForeignKey("placement.id", ondelete="CASCADE"), index=True)
    # Whether the Head of Access was told too (a looked-after pupil or one with an EHC plan).
    to_head_of_access = db.Column(db.Boolean, nullable=False, default=False)
    raised_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    # The school's follow-up.
    outcome = db.Column(db.String(20))
    outcome_note = db.Column(db.Text, nullable=False, default="")
    outcome_by_id = db.Column(db.ForeignKey("user.id"))
    outcome_at = db.Column(db.DateTime)
    version = db.Column(db.Integer, nullable=False, default=1)

    provider = db.relationship("Provider")
    school = db.relationship("School")
    placement = db.relationship("Placement")
    outcome_by = db.relationship("User")

    __table_args__ = (
        db.Index("ix_attendance_alert_day", "day", "session"),
        known_values("kind", KINDS),
        known_values("session", ("am", "pm")),
        known_values("outcome", OUTCOMES, nullable=True),
        db.CheckConstraint(
            "(kind = 'register_not_marked') = (placement_id IS NULL)", name="pupil_alerts_name_the_placement"
        ),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def about_a_pupil(self):
        """Whether the alert is about one pupil (else a provider's register)."""
        return self.kind != "register_not_marked"

    def __repr__(self):
        return f"<AttendanceAlert {self.key}>"
