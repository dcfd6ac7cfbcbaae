"""A provider's marking record, shown to the officer at the next visit beside the criteria on
attendance (PD "attendance taken every session ... absence followed up the same day", SE
"each pupil's hours and attendance pattern recorded"): since the provider's last visit (or
the last six weeks), how many of its pupils' sessions were marked, how many were absences
with no known reason, and the alerts its registers raised and how the schools followed them
up. Four queries, whatever the number of pupils or days."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from qa_app.alerts import bp
from qa_app.alerts.models import AttendanceAlert
from qa_app.extensions import db
from qa_app.placements.models import AttendanceMark, Placement
from qa_app.placements.registers import latest_school_day, school_days
from qa_app.visits.models import Visit

LOOK_BACK = timedelta(weeks=6)
ATTENDANCE_CRITERIA = ("attendance taken every session", "hours and attendance pattern")


@dataclass(frozen=True)
class MarkingRecord:
    """What the provider's registers show from `first` to `last`."""

    first: object
    last: object
    expected: int  # pupil-sessions expected
    marked: int
    unexplained: int
    pupils_not_marked: int  # alerts: a pupil not marked by the deadline
    registers_not_marked: int  # alerts: nothing marked by the deadline
    pupil_alerts: int
    followed_up: int

    @property
    def marked_percent(self):
        """Sessions marked out of those expected, as a whole percentage (None: none expected)."""
        return round(100 * self.marked / self.expected) if self.expected else None


def marking_record(provider_id, before):
    """The provider's record from its last visit before `before` (or six weeks back) to the
    last school day before `before`."""
    last = latest_school_day(before - timedelta(days=1))
    previous = db.session.scalar(
        select(func.max(Visit.visit_date)).where(Visit.provider_id == provider_id, Visit.visit_date < before)
    )
    first = max(previous or before - LOOK_BACK, before - LOOK_BACK)
    days = school_days(first, last)
    expected = _sessions_expected(provider_id, first, last, days)
    marked, unexplained = db.session.execute(
        select(func.count(), func.sum((AttendanceMark.mark == "absent_unknown").cast(db.Integer))).where(
            AttendanceMark.provider_id == provider_id, AttendanceMark.day.between(first, last)
        )
    ).one()
    kinds = dict(
        db.session.execute(
            select(AttendanceAlert.kind, func.count())
            .where(AttendanceAlert.provider_id == provider_id, AttendanceAlert.day.between(first, last))
            .group_by(AttendanceAlert.kind)
        ).all()
    )
    followed_up = db.session.scalar(
        select(func.count()).where(
            AttendanceAlert.provider_id == provider_id,
            AttendanceAlert.day.between(first, last),
            AttendanceAlert.outcome.is_not(None),
        )
    )
    return MarkingRecord(
        first, last, expected, marked, unexplained or 0, kinds.get("not_marked", 0),
        kinds.get("register_not_marked", 0), kinds.get("absent_unknown", 0) + kinds.get("not_marked", 0),
        followed_up,
    )  # fmt: skip


def _sessions_expected(provider_id, first, last, days):
    """The sessions the provider's placements expected marks for on these school days: two
    a day for each placement running that day (one query)."""
    expected = 0
    for start, end in db.session.execute(
        select(Placement.start_date, func.coalesce(Placement.ended_on, Placement.planned_end_date)).where(
            Placement.provider_id == provider_id,
            Placement.days_per_week > 0,
            Placement.start_date <= last,
            func.coalesce(Placement.ended_on, Placement.planned_end_date) >= first,
        )  # fmt: skip
    ):
        expected += 2 * sum(1 for day in days if start <= day <= end)
    return expected


@bp.app_template_global()
def provider_marking_record(visit, criterion):
    """The provider's marking record for the visit's criterion on attendance (None for any
    other criterion, or a school visit)."""
    if visit.provider_id is None or not any(words in criterion.text.lower() for words in ATTENDANCE_CRITERIA):
        return None
    return marking_record(visit.provider_id, visit.visit_date)
