"""A provider's register: the marks of the pupils placed with it, session by session
(docs/domain.md §2.10). These functions flush and never commit; the caller commits once.

Provider staff mark the pupils their provider expects on a school day (placements.registers),
today or a past day of the placement; never a day to come. Every mark of a page is saved by
one call, in one transaction: each entry carries the version of the mark the page showed (0
for none), and an entry that would change a mark someone else changed since is refused with
the others, so a page opened earlier never overwrites newer marks. Marks from a provider's
CSV file carry no version: the file is the provider's own register, and replaces what it
names.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.exc import StaleDataError

from qa_app.auth.models import School
from qa_app.auth.permissions import provider_staff_of
from qa_app.dates import utcnow
from qa_app.domain import Conflict, Forbidden, Invalid, NotFound
from qa_app.extensions import db
from qa_app.placements.attendance_totals import refresh_day_totals
from qa_app.placements.models import MARKS, SESSIONS, AttendanceMark, Placement
from qa_app.placements.registers import expected_on, is_school_day


@dataclass(frozen=True)
class MarkEntry:
    """One session's mark for one placement's pupil. `base_version` is the version of the
    mark the page showed (0: it showed none); None when there is nothing to compare, as for
    a row of a CSV file."""

    placement_id: int
    session: str
    mark: str
    base_version: int | None = None


class StaleMarks(Conflict):
    """Marks changed by someone else since the page was read; `marks` are those marks as
    they are now. Nothing was saved."""

    def __init__(self, pupils, marks):
        pupils = sorted(set(pupils))
        super().__init__(
            "Someone else changed the marks of "
            + ", ".join(pupils)
            + " after you opened this register, so nothing was saved. Their marks are shown now:"
            " check them, then save the register again."
        )
        self.marks = marks


# No register is kept for a day before this one.
EARLIEST_DAY = date(2000, 1, 1)
MAX_PAGE = 100_000


def check_day(day, today=None):
    """Invalid unless `day` is a school day, today or before (and not before EARLIEST_DAY)."""
    today = today or date.today()
    if day < EARLIEST_DAY:
        raise Invalid({"day": f"Registers start on {EARLIEST_DAY:%d/%m/%Y}: choose a later day"})
    if day > today:
        raise Invalid({"day": "A register can be marked for today or a past day, not a day to come"})
    if not is_school_day(day):
        raise Invalid({"day": "That day is not a school day (a weekend, a bank holiday or a school holiday)"})


def _staff_provider(user):
    if not provider_staff_of(user, getattr(user, "provider_id", None)):
        raise Forbidden("Only the provider's own staff mark its register.")
    return user.provider_id


def marks_for(placement_ids, day):
    """{(placement id, session): AttendanceMark} for these placements on `day` (one query)."""
    if not placement_ids:
        return {}
    marks = db.session.scalars(
        select(AttendanceMark)
        .options(joinedload(AttendanceMark.recorded_by))
        .where(AttendanceMark.placement_id.in_(placement_ids), AttendanceMark.day == day)
    )
    return {(mark.placement_id, mark.session): mark for mark in marks}


def expected_placements(provider_id, day, placement_ids):
    """{id: Placement} of these placements that are at the provider and expected on `day`."""
    if not placement_ids:
        return {}
    rows = db.session.scalars(
        select(Placement).where(
            Placement.id.in_(placement_ids), Placement.provider_id == provider_id, expected_on(day)
        )
    )
    return {placement.id: placement for placement in rows}


def _check_entries(entries):
    """Invalid unless each entry names a session and a mark we know, each session once."""
    errors = {}
    for entry in entries:
        if entry.session not in SESSIONS:
            errors[f"session.{entry.placement_id}"] = "Choose the morning or the afternoon"
        elif entry.mark not in MARKS:
            errors[f"mark.{entry.placement_id}.{entry.session}"] = "Choose a mark from the list"
    if errors:
        raise Invalid(errors, "Some marks are not ones we know: choose each from the list")
    if len({(e.placement_id, e.session) for e in entries}) != len(entries):
        raise Invalid({"marks": "Each pupil's session is marked once"})


def _new_mark(entry, placement, day, source, user, now):
    """The row of a mark not yet recorded, for one insert of all of them."""
    return {
        "placement_id": entry.placement_id,
        "provider_id": placement.provider_id,
        "school_id": placement.school_id,
        "day": day,
        "session": entry.session,
        "mark": entry.mark,
        "source": source,
        "version": 1,
        "recorded_by_id": user.id,
        "recorded_at": now,
    }


def save_marks(user, day, entries, source="register", today=None):
    """Record the entries (MarkEntry) for `day` at the user's provider; returns the entries
    written (new or changed marks; an entry that repeats the stored mark writes nothing).

    Raises Forbidden for anyone but the provider's staff; Invalid for a day that is not a
    school day or is still to come, or a mark or session we do not know; NotFound for a
    placement that is not at the provider or not expected that day; StaleMarks when an entry
    would change a mark changed since its base version. Nothing is written unless every entry
    passes."""
    provider_id = _staff_provider(user)
    check_day(day, today)
    _check_entries(entries)
    ids = {entry.placement_id for entry in entries}
    placements = expected_placements(provider_id, day, ids)
    if ids - set(placements):
        raise NotFound("A pupil on this register is not placed with you on that day.")
    stored = marks_for(ids, day)
    stale, new, written, now = [], [], [], utcnow()
    for entry in entries:
        mark = stored.get((entry.placement_id, entry.session))
        if mark is not None and mark.mark == entry.mark:
            continue  # unchanged: nothing to write, whoever wrote it
        current = mark.version if mark is not None else 0
        if entry.base_version is not None and entry.base_version != current:
            stale.append((placements[entry.placement_id].pupil_ref, mark))
            continue
        written.append(entry)
        if mark is None:
            new.append(_new_mark(entry, placements[entry.placement_id], day, source, user, now))
        else:
            mark.mark, mark.source = entry.mark, source
            mark.recorded_by_id, mark.recorded_at = user.id, now
    if stale:
        raise StaleMarks([pupil for pupil, _ in stale], [mark for _, mark in stale if mark is not None])
    _write(new, day, provider_id, written)
    return written


def _write(new, day, provider_id, written):
    """Flush the changed marks (each checked against its version), insert the new ones in one
    statement whatever the register's length, and refresh the day's totals. Conflict when
    another save of the same marks got there between our read and our write (the caller
    rolls back)."""
    try:
        db.session.flush()
        if new:
            db.session.execute(insert(AttendanceMark), new)
        if written:
            refresh_day_totals(day, provider_id)  # the attendance tables' daily totals
    except (IntegrityError, StaleDataError):
        raise Conflict(
            "Someone else saved marks on this register at the same moment, so nothing was saved."
            " Open the register again to see their marks."
        ) from None


# -- reading a register -------------------------------------------------------------------------

REGISTER_PAGE_SIZE = 40


@dataclass
class RegisterRow:
    """One pupil on a day's register: the placement (with its school) and its marks so far,
    by session (None where the session is not marked)."""

    placement: Placement
    marks: dict


def register_page(provider_id, day, page=1):
    """The pupils the provider expects on `day` (a school day), by school then reference,
    PAGE_SIZE at a time, as a Flask-SQLAlchemy page of RegisterRow: three queries (count,
    placements with their schools, their marks) however long the register."""
    query = (
        select(Placement)
        .join(School, School.id == Placement.school_id)
        .options(contains_eager(Placement.school))
        .where(Placement.provider_id == provider_id, expected_on(day))
        .order_by(School.name, Placement.pupil_ref, Placement.id)
    )
    page = min(max(page or 1, 1), MAX_PAGE)
    listed = db.paginate(query, page=page, per_page=REGISTER_PAGE_SIZE, error_out=False, count=True)
    stored = marks_for([placement.id for placement in listed.items], day)
    listed.items = [
        RegisterRow(placement, {session: stored.get((placement.id, session)) for session in SESSIONS})
        for placement in listed.items
    ]
    return listed
