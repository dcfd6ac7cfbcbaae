"""Providers' marks for a school's own register, as CSV (docs/domain.md §2.10;
docs/attendance-codes.md).

The school keeps the register of record for its pupils in AP. For each mark a provider
recorded for one of the school's pupils the file gives the pupil's reference, the provider,
the day, the session, the provider's mark and the code the school's register might take:

- present or late: the code the school records the placement under (B, D or K, docs/domain.md
  §2.6), since the pupil attended the provision the school or the authority arranged;
- not expected on a part-time timetable's day off: C2, the DfE's code for a session a pupil
  on an agreed part-time timetable is not expected to attend; for a placement that is not a
  part-time timetable, no code: the school decides;
- any absence: no code. The school follows the absence up and records its own code (I, M, C,
  or N until the reason is known, O when it is not authorised): only the school can
  authorise an absence.
"""

from datetime import date, timedelta

from sqlalchemy import select

from qa_app.extensions import db
from qa_app.placements.exports import csv_bytes
from qa_app.placements.models import MARKS, SESSIONS, AttendanceMark, Placement
from qa_app.providers.models import Provider

LONGEST = timedelta(days=366)
DEFAULT_SPAN = timedelta(days=27)
COLUMNS = ("Pupil reference", "Provider", "Date", "Session", "Provider's mark", "Suggested code", "Note")
NOTES = {
    "present": "Attended",
    "late": "Attended, arrived late",
    "absent_illness": "The provider was told the pupil is ill: follow up and record your own code",
    "absent_medical": "The provider was told of a medical appointment: follow up and record your own code",
    "absent_authorised": "The provider knows the reason: follow up and record your own code",
    "absent_unknown": "No reason known: follow up today and record your own code",
}


def suggested_code(mark, attendance_code, part_time):
    """The code suggested for the school's register, and a note: see the module's docstring."""
    if mark in ("present", "late"):
        return attendance_code, NOTES[mark]
    if mark == "not_expected":
        if part_time:
            return "C2", "Not expected: a day off of the part-time timetable"
        return "", "The provider did not expect the pupil: the school decides the code"
    return "", NOTES[mark]


def export_span(first, last, today=None):
    """The days of an export (first, last), checked: by default the last four weeks to today;
    at most a year; never after today. Raises ValueError with a message."""
    today = today or date.today()
    last = min(last or today, today)
    first = first or last - DEFAULT_SPAN
    if first > last:
        raise ValueError("The first day must be on or before the last")
    if last - first > LONGEST:
        raise ValueError("Export at most a year of marks at a time")
    return first, last


def school_marks(school_id, first, last):
    """The rows of the export for one school's pupils from `first` to `last` (one query)."""
    query = (
        select(
            Placement.pupil_ref,
            Provider.name,
            AttendanceMark.day,
            AttendanceMark.session,
            AttendanceMark.mark,
            Placement.attendance_code,
            Placement.part_time,
        )
        .join(Placement, Placement.id == AttendanceMark.placement_id)
        .join(Provider, Provider.id == AttendanceMark.provider_id)
        .where(AttendanceMark.school_id == school_id, AttendanceMark.day.between(first, last))
        .order_by(AttendanceMark.day, Placement.pupil_ref, AttendanceMark.session)
    )
    for ref, provider, day, session, mark, attendance_code, part_time in db.session.execute(query):
        code, note = suggested_code(mark, attendance_code, part_time)
        yield (ref, provider, day.isoformat(), SESSIONS[session], MARKS[mark], code, note)


def school_marks_csv(school_id, first, last):
    """The export as CSV bytes (UTF-8 with a BOM; no cell starts a formula)."""
    return csv_bytes(COLUMNS, school_marks(school_id, first, last))
