"""Placements of pupils in alternative provision, their reviews and how they ended
(docs/domain.md §2.6). Pupils are known by their school's reference only, never by name."""

from qa_app.dates import utcnow
from qa_app.extensions import db, known_values

COMMISSIONERS = {"school": "The school", "local_authority": "The local authority (EA 1996 s.19)"}
REASONS = {
    "permanent_exclusion": "Permanent exclusion",
    "suspension": "Suspension",
    "at_risk_of_exclusion": "At risk of exclusion",
    "health_or_medical": "Health or medical needs",
    "semh_support": "Social, emotional and mental health support",
    "awaiting_school_place": "Awaiting a school place",
    "other": "Other",
}
# How the home school records the pupil's attendance at the provider.
ATTENDANCE_CODES = {
    "B": "B: educated off site",
    "D": "D: dual registered",
    "K": "K: arranged by the local authority",
}
DECISIONS = {"continue": "Continue", "change": "Change the placement", "end": "End the placement"}
DESTINATIONS = {
    "home_school_full_time": "Back to the home school full time",
    "another_mainstream_school": "Another mainstream school",
    "special_school": "Special school",
    "post_16": "Post-16 education",
    "employment_or_training": "Employment or training",
    "neet": "Not in education, employment or training",
    "other": "Other",
}


class FileWaiting:
    """The columns of a CSV file that passed its dry run and waits, for a day, for the person
    who uploaded it to import it: its token in the page, who uploaded it, the file's name, its
    text and how many rows it holds."""

    id = db.Column(db.Integer, primary_key=True)
    token = db.Column(db.String(36), nullable=False, unique=True)
    user_id = db.Column(db.ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    filename = db.Column(db.String(200), nullable=False, default="")
    content = db.Column(db.Text, nullable=False)
    rows = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class Placement(db.Model):
    """One pupil's placement by a school with a provider.

    `uuid` is made by the client (as a visit's is), so a placement can be recorded with
    no signal; `version` counts every stored change, for If-Match."""

    id = db.Column(db.Integer, primary_key=True)
    uuid = db.Column(db.String(36), nullable=False, unique=True)
    version = db.Column(db.Integer, nullable=False, default=1)
    # Indexed with ended_on below: a school's placements, and its open or recently ended ones.
    school_id = db.Column(db.ForeignKey("school.id"), nullable=False)
    provider_id = db.Column(db.ForeignKey("provider.id"), nullable=False, index=True)
    # The pupil: the school's own reference, and what the registration test counts.
    pupil_ref = db.Column(db.String(20), nullable=False)
    year_group = db.Column(db.Integer, nullable=False)
    ehc_plan = db.Column(db.Boolean, nullable=False, default=False)
    sen_support = db.Column(db.Boolean, nullable=False, default=False)
    looked_after = db.Column(db.Boolean, nullable=False, default=False)
    # The arrangement.
    commissioned_by = db.Column(db.String(20), nullable=False, default="school")
    reason = db.Column(db.String(30), nullable=False)
    start_date = db.Column(db.Date, nullable=False)
    planned_end_date = db.Column(db.Date, nullable=False)
    days_per_week = db.Column(db.Integer, nullable=False)
    hours_per_week = db.Column(db.Float, nullable=False)
    weeks_per_year = db.Column(db.Integer, nullable=False, default=38)
    daytime = db.Column(db.Boolean, nullable=False, default=True)
    main_education = db.Column(db.Boolean, nullable=False, default=True)
    part_time = db.Column(db.Boolean, nullable=False, default=False)
    part_time_reason = db.Column(db.Text, nullable=False, default="")
    part_time_review_date = db.Column(db.Date)
    attendance_code = db.Column(db.String(1), nullable=False, default="B")
    safeguarding_confirmation_received = db.Column(db.Date)
    # The pupil's plan.
    objectives = db.Column(db.Text, nullable=False, default="")
    reintegration_timeline = db.Column(db.Text, nullable=False, default="")
    # Placing with a provider that is not quality assured: what the register said on the
    # day, and the school's reason for going ahead (docs/domain.md §2.6).
    provider_status_when_placed = db.Column(db.String(40), nullable=False, default="")
    placing_reason = db.Column(db.Text, nullable=False, default="")
    # The end.
    ended_on = db.Column(db.Date)
    destination = db.Column(db.String(30))
    pupil_assessment = db.Column(db.Text, nullable=False, default="")

    created_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    school = db.relationship("School")
    provider = db.relationship("Provider")
    created_by = db.relationship("User")
    reviews = db.relationship(
        "PlacementReview",
        back_populates="placement",
        order_by="PlacementReview.review_date",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        db.UniqueConstraint("school_id", "pupil_ref", "start_date", name="uq_placement_school_pupil_start"),
        # The authority's lists count open placements from these alone, never reading the
        # rows: by provider (and school), and by the figures docs/domain.md §2.6 reports.
        # Neither leads with `ended_on`, which nearly every placement shares: an index that
        # did would be taken for a narrow one and every row read through it.
        db.Index("ix_placement_provider_open", "provider_id", "ended_on", "school_id"),
        # A school's providers (the attendance totals it reads) come from this one too.
        db.Index("ix_placement_school_open", "school_id", "ended_on", "provider_id"),
        db.Index(
            "ix_placement_figures",
            "reason",
            "commissioned_by",
            "ehc_plan",
            "sen_support",
            "looked_after",
            "ended_on",
        ),
        known_values("commissioned_by", COMMISSIONERS),
        known_values("reason", REASONS),
        known_values("attendance_code", ATTENDANCE_CODES),
        known_values("destination", DESTINATIONS, nullable=True),
        db.CheckConstraint("hours_per_week >= 0 AND hours_per_week <= 40", name="hours_in_range"),
        db.CheckConstraint("days_per_week >= 0 AND days_per_week <= 5", name="days_in_range"),
    )
    # Every UPDATE of the row adds one to `version` (a save that changes only the reviews
    # touches `updated_at` so that it counts too).
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self):
        """Open until an end is recorded."""
        return self.ended_on is None

    def __repr__(self):
        return f"<Placement {self.uuid} {self.pupil_ref}>"


class PlacementReview(db.Model):
    """A review of a placement, at least every six school weeks: attendance since the last
    review, progress, the pupil's and the parent's views, and what happens next."""

    id = db.Column(db.Integer, primary_key=True)
    placement_id = db.Column(db.ForeignKey("placement.id", ondelete="CASCADE"), nullable=False, index=True)
    review_date = db.Column(db.Date, nullable=False)
    sessions_possible = db.Column(db.Integer, nullable=False)
    sessions_attended = db.Column(db.Integer, nullable=False)
    sessions_unauthorised = db.Column(db.Integer, nullable=False, default=0)
    progress = db.Column(db.Text, nullable=False, default="")
    achievements = db.Column(db.Text, nullable=False, default="")
    pupil_view = db.Column(db.Text, nullable=False, default="")
    parent_view = db.Column(db.Text, nullable=False, default="")
    decision = db.Column(db.String(10), nullable=False, default="continue")

    placement = db.relationship(Placement, back_populates="reviews")

    __table_args__ = (
        # A placement's latest review read from the index alone, as every list's overdue
        # column and count asks for it (placements.overdue.last_review_date).
        db.Index("ix_placement_review_latest", "placement_id", "review_date"),
        known_values("decision", DECISIONS),
        db.CheckConstraint(
            "sessions_possible >= 0 AND sessions_attended >= 0 AND sessions_unauthorised >= 0"
            " AND sessions_attended <= sessions_possible"
            " AND sessions_unauthorised <= sessions_possible - sessions_attended",
            name="sessions_add_up",
        ),
    )


class PlacementConflict(db.Model):
    """A losing copy of a placement from a stale save, kept for a person to resolve."""

    id = db.Column(db.Integer, primary_key=True)
    placement_id = db.Column(db.ForeignKey("placement.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    base_version = db.Column(db.Integer, nullable=False)
    server_version = db.Column(db.Integer, nullable=False)
    payload = db.Column(db.JSON, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    resolved_at = db.Column(db.DateTime)

    user = db.relationship("User")


class PlacementImport(FileWaiting, db.Model):
    """A school's CSV file of placements that passed its dry run, waiting for the person
    who uploaded it to import it (kept for a day; see placements.imports)."""

    school_id = db.Column(db.ForeignKey("school.id", ondelete="CASCADE"), nullable=False)

    school = db.relationship("School")


class SafeguardingConfirmation(db.Model):
    """The provider's written confirmation of its safeguarding checks for one placement,
    given in the app by the provider's staff: it fills the placement's date received."""

    id = db.Column(db.Integer, primary_key=True)
    placement_id = db.Column(
        db.ForeignKey("placement.id", ondelete="CASCADE"), nullable=False, unique=True, index=True
    )
    enhanced_dbs = db.Column(db.Boolean, nullable=False)
    single_central_record = db.Column(db.Boolean, nullable=False)
    dsl_name = db.Column(db.String(120), nullable=False)
    confirmed_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    confirmed_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    placement = db.relationship(
        "Placement", backref=db.backref("safeguarding_confirmation", uselist=False, passive_deletes=True)
    )
    confirmed_by = db.relationship("User")

    __table_args__ = (db.CheckConstraint("enhanced_dbs AND single_central_record", name="checks_confirmed"),)


# A session of a school day (docs/domain.md §2.10).
SESSIONS = {"am": "Morning", "pm": "Afternoon"}
# What the provider records for a pupil's session. An absence the provider knows the reason
# for is one of the three `absent_*` reasons; `absent_unknown` is the absence the school
# follows up the same day; `not_expected` is a part-time timetable's day off.
MARKS = {
    "present": "Present",
    "late": "Late",
    "absent_illness": "Absent: illness",
    "absent_medical": "Absent: medical appointment",
    "absent_authorised": "Absent: other authorised reason",
    "absent_unknown": "Absent: no known reason",
    "not_expected": "Not expected",
}
ATTENDED_MARKS = ("present", "late")
KNOWN_REASON_MARKS = ("absent_illness", "absent_medical", "absent_authorised")
MARK_SOURCES = {"register": "The register page", "csv": "A CSV file from the provider's register system"}


class AttendanceMark(db.Model):
    """The provider's mark for one pupil (a placement) in one session of one school day.

    One row per placement, day and session. `provider_id` and `school_id` are the
    placement's, copied so the day's marks of a provider, of a school or of the whole
    authority are read from this table's indexes alone. `version` counts every change,
    so a register opened before someone else saved cannot overwrite their marks."""

    id = db.Column(db.Integer, primary_key=True)
    placement_id = db.Column(db.ForeignKey("placement.id", ondelete="CASCADE"), nullable=False)
    provider_id = db.Column(db.ForeignKey("provider.id"), nullable=False)
    school_id = db.Column(db.ForeignKey("school.id"), nullable=False)
    day = db.Column(db.Date, nullable=False)
    session = db.Column(db.String(2), nullable=False)
    mark = db.Column(db.String(20), nullable=False)
    source = db.Column(db.String(10), nullable=False, default="register")
    version = db.Column(db.Integer, nullable=False, default=1)
    recorded_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    recorded_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    placement = db.relationship("Placement")
    recorded_by = db.relationship("User")

    __table_args__ = (
        db.UniqueConstraint(
            "placement_id", "day", "session", name="uq_attendance_mark_placement_day_session"
        ),
        db.Index("ix_attendance_mark_day_mark", "day", "mark"),
        db.Index("ix_attendance_mark_provider_day", "provider_id", "day"),
        db.Index("ix_attendance_mark_school_day", "school_id", "day"),
        known_values("session", SESSIONS),
        known_values("mark", MARKS),
        known_values("source", MARK_SOURCES),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def attended(self):
        """Present or late."""
        return self.mark in ATTENDED_MARKS

    def __repr__(self):
        return f"<AttendanceMark {self.placement_id} {self.day} {self.session} {self.mark}>"


class AttendanceImport(FileWaiting, db.Model):
    """A provider's CSV file of a day's marks that passed its dry run, waiting for the person
    who uploaded it to import it (kept for a day; see placements.mark_imports)."""

    provider_id = db.Column(db.ForeignKey("provider.id", ondelete="CASCADE"), nullable=False)
