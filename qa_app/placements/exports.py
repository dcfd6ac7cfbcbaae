"""Placements as CSV: the attendance table, and the authority's list of pupils in AP for its
register of children not in school (EA 1996 s.436B, docs/domain.md §2.6).

Every file is UTF-8 with a byte-order mark, so Excel reads it as UTF-8, and no cell can be
read as a formula: text beginning with = + - @ (or a tab or carriage return) gets a
leading apostrophe, which spreadsheets show as text.
"""

import csv
import io

from sqlalchemy import or_, select

from qa_app.auth.models import School
from qa_app.extensions import db
from qa_app.placements.models import Placement
from qa_app.providers.models import Provider

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ATTENDANCE_COLUMNS = (
    "Term",
    "Year",
    "Attendance %",
    "Absence %",
    "Unauthorised absence %",
    "Trend in attendance against the same term a year earlier",
    "Sessions possible",
    "Sessions attended",
    "Sessions of unauthorised absence",
    "Trend in absence against the same term a year earlier",
    "Trend in unauthorised absence against the same term a year earlier",
    "Counted from",
)
PUPIL_COLUMNS = (
    "School",
    "School URN",
    "Pupil reference",
    "Year group",
    "Provider",
    "Start date",
    "Planned end date",
    "Days a week",
    "Hours a week",
    "Part-time timetable",
    "Attendance code",
    "EHC plan",
    "SEN support",
    "Looked after",
)


def spreadsheet_cell(value):
    """A value as a spreadsheet should show it: text never starts a formula."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header, rows):
    """Rows as CSV bytes: a byte-order mark, the header, then every cell made safe."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_cell(value) for value in row])
    return out.getvalue().encode("utf-8")


def attendance_csv(rows):
    """The attendance table (placements.attendance.attendance_table) as CSV bytes."""
    return csv_bytes(
        ATTENDANCE_COLUMNS,
        (
            (
                row.term.label,
                row.term.year,
                row.attendance,
                row.absence,
                row.unauthorised,
                row.trend.text,
                row.sessions.possible,
                row.sessions.attended,
                row.sessions.unauthorised,
                row.absence_trend.text,
                row.unauthorised_trend.text,
                row.source_label,
            )
            for row in rows
        ),
    )


def pupils_in_ap(condition, today):
    """The placements matching `condition` that are under way today (started, and not ended
    before today), with their school and provider, by school and pupil reference: one query."""
    return db.session.execute(
        select(Placement, School.name, School.urn, Provider.name)
        .join(School, Placement.school_id == School.id)
        .join(Provider, Placement.provider_id == Provider.id)
        .where(
            condition,
            Placement.start_date <= today,
            or_(Placement.ended_on.is_(None), Placement.ended_on >= today),
        )
        .order_by(School.name, Placement.pupil_ref, Placement.start_date)
    ).all()


def _yes_no(flag):
    """A flag as Yes or No."""
    return "Yes" if flag else "No"


def _hours(hours):
    """25.0 as '25', 22.5 as '22.5'."""
    return f"{hours:g}"


def pupils_in_ap_csv(rows):
    """The list of pupils in AP (rows from pupils_in_ap) as CSV bytes, dates as ISO 8601."""
    return csv_bytes(
        PUPIL_COLUMNS,
        (
            (
                school,
                urn,
                placement.pupil_ref,
                placement.year_group,
                provider,
                placement.start_date.isoformat(),
                placement.planned_end_date.isoformat(),
                placement.days_per_week,
                _hours(placement.hours_per_week),
                _yes_no(placement.part_time),
                placement.attendance_code,
                _yes_no(placement.ehc_plan),
                _yes_no(placement.sen_support),
                _yes_no(placement.looked_after),
            )
            for placement, school, urn, provider in rows
        ),
    )
