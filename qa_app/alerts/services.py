"""The attendance alert job and a school's follow-up (docs/domain.md §2.10).

`raise_alerts(now)` reads today's registers across the authority in one query (every
placement whose pupil is expected today, with its morning and afternoon marks), works out the
alerts due, leaves out those already raised (their keys, one query), and writes the new ones
and their emails in the caller's transaction, a few more queries whatever the number of
pupils. An alert's key is unique in the database, so a run that overlaps another fails whole
rather than send anything twice.

Due now, for today, a school day:
- a pupil marked absent with no known reason, in either session, at once;
- a pupil not marked for a session whose deadline (config ATTENDANCE_DEADLINES, UK time)
  has passed;
- a provider with nothing marked for such a session: its register, to its officer (to the
  Head of Access when it has none).
A pupil's alert goes to the staff of the pupil's school, and to the Head of Access too for a
looked-after pupil or one with an EHC plan.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from flask import current_app
from sqlalchemy import and_, insert, or_, select
from sqlalchemy.orm import aliased

from qa_app.alerts.emails import emails_for
from qa_app.alerts.models import AttendanceAlert
from qa_app.auth.models import School, User
from qa_app.dates import UK
from qa_app.extensions import db
from qa_app.notifications.outbox import queue_emails
from qa_app.placements.models import SESSIONS, AttendanceMark, Placement
from qa_app.placements.registers import expected_on, is_school_day, latest_school_day
from qa_app.providers.models import Provider


def local_now(now=None):
    """A moment (UTC, naive or aware; now by default) in UK local time."""
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(UK)


def sessions_past_deadline(clock, deadlines):
    """The sessions whose deadline is at or before `clock` (a time of day)."""
    return [session for session in SESSIONS if clock >= deadlines[session]]


@dataclass(frozen=True)
class Expected:
    """One pupil on today's register: their placement, school and provider, and marks."""

    placement_id: int
    school_id: int
    provider_id: int
    pupil_ref: str
    flagged: bool  # looked after, or an EHC plan
    school_name: str
    provider_name: str
    officer_email: str | None
    marks: dict


@dataclass(frozen=True)
class Due:
    """An alert due: its key and kind, the session, and the register row it is about (for a
    provider's register, the first of its pupils, for its provider's names)."""

    key: str
    kind: str
    session: str
    row: Expected


def todays_register(day):
    """Every pupil expected on `day` across the authority, with their marks: one query."""
    am, pm, officer = aliased(AttendanceMark), aliased(AttendanceMark), aliased(User)

    def mark_of(alias, session):
        return and_(alias.placement_id == Placement.id, alias.day == day, alias.session == session)

    rows = db.session.execute(
        select(
            Placement.id,
            Placement.school_id,
            Placement.provider_id,
            Placement.pupil_ref,
            or_(Placement.looked_after, Placement.ehc_plan),
            School.name,
            Provider.name,
            officer.email,
            officer.active,
            am.mark,
            pm.mark,
        )
        .join(School, School.id == Placement.school_id)
        .join(Provider, Provider.id == Placement.provider_id)
        .outerjoin(officer, officer.id == Provider.officer_id)
        .outerjoin(am, mark_of(am, "am"))
        .outerjoin(pm, mark_of(pm, "pm"))
        .where(expected_on(day))
        .order_by(Provider.id, School.name, Placement.pupil_ref, Placement.id)
    ).all()
    return [
        Expected(
            pid, school, provider, ref, bool(flag), *names, email if active else None, {"am": a, "pm": p}
        )
        for pid, school, provider, ref, flag, *names, email, active, a, p in rows
    ]


def alerts_due(register, day, past_deadline):
    """The alerts the register calls for now, in order (pure)."""
    due, marked = [], defaultdict(bool)
    for row in register:
        for session in SESSIONS:
            mark = row.marks[session]
            marked[row.provider_id, session] |= mark is not None
            if mark == "absent_unknown":
                kind = "absent_unknown"
            elif mark is None and session in past_deadline:
                kind = "not_marked"
            else:
                continue
            due.append(Due(f"{kind}:{row.placement_id}:{day.isoformat()}:{session}", kind, session, row))
    first_rows = {}
    for row in register:
        first_rows.setdefault(row.provider_id, row)
    for provider_id, row in first_rows.items():
        for session in past_deadline:
            if not marked[provider_id, session]:
                key = f"register_not_marked:{provider_id}:{day.isoformat()}:{session}"
                due.append(Due(key, "register_not_marked", session, row))
    return due


@dataclass
class Raised:
    """What a run of the job did."""

    alerts: int = 0
    emails: int = 0
    by_kind: dict = field(default_factory=dict)


def raise_alerts(now=None):
    """Raise today's alerts not raised yet, with their emails, in the current transaction
    (the caller commits); returns what was raised."""
    local = local_now(now)
    day = local.date()
    if not is_school_day(day):
        return Raised()
    past = sessions_past_deadline(
        local.time().replace(tzinfo=None), current_app.config["ATTENDANCE_DEADLINES"]
    )
    due = alerts_due(todays_register(day), day, past)
    if not due:
        return Raised()
    raised = set(db.session.scalars(select(AttendanceAlert.key).where(AttendanceAlert.day == day)))
    new = [item for item in due if item.key not in raised]
    if not new:
        return Raised()
    ids = _store_alerts(new, day)
    emails = queue_emails(emails_for(list(zip(new, ids, strict=True)), day))
    counts = defaultdict(int)
    for item in new:
        counts[item.kind] += 1
    return Raised(len(ids), emails, dict(counts))


def _store_alerts(new, day):
    """Insert the new alerts and give their ids, in order: one executemany, then the day's
    ids by key (a statement or two whatever their number)."""
    db.session.execute(
        insert(AttendanceAlert),
        [
            {
                "key": item.key,
                "kind": item.kind,
                "day": day,
                "session": item.session,
                "provider_id": item.row.provider_id,
                "school_id": None if item.kind == "register_not_marked" else item.row.school_id,
                "placement_id": None if item.kind == "register_not_marked" else item.row.placement_id,
                "to_head_of_access": item.kind != "register_not_marked" and item.row.flagged,
            }
            for item in new
        ],
    )
    id_of = dict(
        db.session.execute(
            select(AttendanceAlert.key, AttendanceAlert.id).where(AttendanceAlert.day == day)
        ).all()
    )
    return [id_of[item.key] for item in new]


def raise_morning_alerts(today):
    """The alerts the job raised at 09:30 on the last school day on or before `today` (the
    demo's "this morning"): the unexplained absences, before any deadline has passed."""
    morning = latest_school_day(today)
    return raise_alerts(datetime.combine(morning, time(9, 30), tzinfo=UK))
