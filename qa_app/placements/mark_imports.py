"""A provider's marks as a CSV file from its own register system (docs/domain.md §2.10), with
the same checks as the placements import (placements.imports): a dry run lists each row's
problems and writes nothing, and nothing is imported while any row has a problem.

One row per pupil and session: the pupil's reference, the school (its name or URN, since two
schools may use the same reference), the date, the session and the mark. Marks are written
by marks.save_marks, the register page's own path, day by day in one transaction; a row
replaces a mark already recorded for that session (the file is the provider's register). The
pupils named are looked up in one query for the whole file, whatever its length."""

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import contains_eager

from qa_app.auth.models import School
from qa_app.auth.permissions import provider_staff_of
from qa_app.dates import utcnow
from qa_app.domain import DomainError, Forbidden, Invalid
from qa_app.extensions import db
from qa_app.placements.import_file import Problem
from qa_app.placements.marks import MarkEntry, check_day, marks_for, save_marks
from qa_app.placements.models import AttendanceImport, Placement
from qa_app.placements.registers import is_expected
from qa_app.providers.services import normalise_name

MAX_ROWS = 5000
KEPT_FOR = timedelta(days=1)
HEADINGS = ("Pupil reference", "School", "Date", "Session", "Mark")
# What a row's session and mark may say: our words, and the letters of the DfE's
# attendance codes that registers systems export for them (docs/attendance-codes.md).
SESSION_WORDS = {"morning": "am", "am": "am", "afternoon": "pm", "pm": "pm"}
MARK_WORDS = {
    "present": "present",
    "/": "present",
    "\\": "present",
    "late": "late",
    "l": "late",
    "illness": "absent_illness",
    "i": "absent_illness",
    "medical": "absent_medical",
    "m": "absent_medical",
    "authorised": "absent_authorised",
    "c": "absent_authorised",
    "unknown": "absent_unknown",
    "n": "absent_unknown",
    "o": "absent_unknown",
    "not expected": "not_expected",
    "c2": "not_expected",
}
MARK_HELP = (
    "present (or / \\), late (L), illness (I), medical (M), authorised (C), "
    "unknown (N or O), not expected (C2)"
)


@dataclass
class CheckedMarks:
    """The outcome of a run over a file: rows read, their problems, the marks they give
    (by day) and how many of those replace a mark already recorded."""

    rows: int = 0
    problems: list = field(default_factory=list)
    by_day: dict = field(default_factory=dict)
    replacing: int = 0

    @property
    def ok(self):
        return not self.problems

    @property
    def marks(self):
        return sum(len(entries) for entries in self.by_day.values())


def template_csv():
    """The template: UTF-8 with a byte order mark (so spreadsheets read it as UTF-8), and
    the headings."""
    out = io.StringIO()
    csv.writer(out).writerow(HEADINGS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _columns(cells):
    """{heading: index} from the file's first row, or Invalid naming what is wrong."""
    found = {cell.strip().lower(): index for index, cell in enumerate(cells)}
    missing = [heading for heading in HEADINGS if heading.lower() not in found]
    unknown = [
        cell.strip() or "(blank)" for cell in cells if cell.strip().lower() not in map(str.lower, HEADINGS)
    ]
    problems = []
    if missing:
        problems.append("missing: " + ", ".join(missing))
    if unknown:
        problems.append("unknown: " + ", ".join(unknown))
    if problems:
        raise Invalid(
            {"file": "The first row must be the headings " + ", ".join(HEADINGS) + ": " + "; ".join(problems)}
        )
    return {heading: found[heading.lower()] for heading in HEADINGS}


def _date(text):
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    raise ValueError(f"'{text}' is not a date: write it like 2026-11-20 or 20/11/2026")


def read_rows(text):
    """(row number, cells by heading) for each row after the headings, skipping blank lines;
    Invalid when the file as a whole cannot be read."""
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise Invalid({"file": f"The file is not a CSV file we can read: {error}"}) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise Invalid({"file": "The file has no headings: start from the template"})
    columns = _columns(records[0])
    if len(records) - 1 > MAX_ROWS:
        raise Invalid({"file": f"The file has {len(records) - 1} rows: upload at most {MAX_ROWS} at a time"})
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(records[0]):
            yield number, None
            continue
        yield number, {heading: cells[index].strip() for heading, index in columns.items()}


def _placements_named(provider_id, references):
    """{pupil reference: [placements at the provider with it]}, with their schools, in one query."""
    if not references:
        return {}
    found = {}
    query = (
        select(Placement)
        .join(School, School.id == Placement.school_id)
        .options(contains_eager(Placement.school))
        .where(Placement.provider_id == provider_id, func.upper(Placement.pupil_ref).in_(references))
    )
    for placement in db.session.scalars(query):
        found.setdefault(placement.pupil_ref.upper(), []).append(placement)
    return found


def _school_matches(school, text):
    return text == (school.urn or "") or normalise_name(text) == normalise_name(school.name)


def _read_row(number, cells, named, today):
    """(placement, day, session, mark) for one row, or its problems."""
    problems = []
    try:
        day = _date(cells["Date"])
        check_day(day, today)
    except ValueError as error:
        problems.append(Problem(number, "Date", str(error)))
        day = None
    except Invalid as error:
        problems.append(Problem(number, "Date", error.message))
        day = None
    session = SESSION_WORDS.get(cells["Session"].lower())
    if session is None:
        problems.append(
            Problem(number, "Session", f"'{cells['Session']}' is not morning or afternoon (AM or PM)")
        )
    mark = MARK_WORDS.get(cells["Mark"].lower())
    if mark is None:
        problems.append(Problem(number, "Mark", f"'{cells['Mark']}' is not a mark we know: use {MARK_HELP}"))
    placement = _placement_of(number, cells, named, day, problems)
    return (placement, day, session, mark), problems


def _placement_of(number, cells, named, day, problems):
    """The placement the row's pupil reference and school name, placed with the provider on
    its day; None (and a problem added) when there is none."""
    reference, school = cells["Pupil reference"], cells["School"]
    if not reference or not school:
        column = "Pupil reference" if not reference else "School"
        problems.append(Problem(number, column, "is blank: fill it in"))
        return None
    pupils = [p for p in named.get(reference.upper(), []) if _school_matches(p.school, school)]
    if not pupils:
        problems.append(
            Problem(number, "Pupil reference", f"No pupil {reference} of {school} is placed with you")
        )
        return None
    if day is None:
        return None
    placement = next((p for p in pupils if is_expected(p, day)), None)
    if placement is None:
        message = f"Pupil {reference} of {school} is not placed with you on {day:%d/%m/%Y}"
        problems.append(Problem(number, "Date", message))
    return placement


def run(user, text, today=None, dry_run=False):
    """Check every row and, unless this is a dry run, save the marks of every row (in the
    current transaction); returns a CheckedMarks. The caller commits only when it is ok."""
    if not provider_staff_of(user, getattr(user, "provider_id", None)):
        raise Forbidden("Only the provider's own staff upload its marks.")
    today = today or date.today()
    checked = CheckedMarks()
    rows = list(read_rows(text))
    references = {cells["Pupil reference"].upper() for _, cells in rows if cells and cells["Pupil reference"]}
    named = _placements_named(user.provider_id, references)
    seen = {}
    for number, cells in rows:
        checked.rows += 1
        checked.problems.extend(_take_row(checked, seen, number, cells, named, today))
    if not checked.ok:
        return checked
    checked.replacing = sum(_replacing(day, entries) for day, entries in checked.by_day.items())
    if not dry_run:
        try:
            for day in sorted(checked.by_day):
                save_marks(user, day, checked.by_day[day], source="csv", today=today)
        except DomainError as error:
            checked.problems.append(Problem(1, "File", error.message))
    return checked


def _take_row(checked, seen, number, cells, named, today):
    """Read one row into `checked` (its mark under its day); returns the row's problems.
    `seen` holds the row that marked each pupil's session, so a second is refused."""
    if cells is None:
        return [Problem(number, "Row", "has a different number of columns from the headings")]
    (placement, day, session, mark), problems = _read_row(number, cells, named, today)
    if problems:
        return problems
    key = (placement.id, day, session)
    if key in seen:
        return [Problem(number, "Session", f"is marked twice: row {seen[key]} marks it too")]
    seen[key] = number
    checked.by_day.setdefault(day, []).append(MarkEntry(placement.id, session, mark))
    return []


def _replacing(day, entries):
    """How many of a day's entries change a mark already stored."""
    stored = marks_for({entry.placement_id for entry in entries}, day)
    return sum(
        1
        for entry in entries
        if (entry.placement_id, entry.session) in stored
        and stored[(entry.placement_id, entry.session)].mark != entry.mark
    )


def check(user, text, today=None):
    """The dry run: every row checked, nothing written, the session rolled back."""
    checked = run(user, text, today, dry_run=True)
    db.session.rollback()
    return checked


def import_marks(user, text, today=None):
    """The import: the marks flushed when every row is right; rolled back otherwise."""
    checked = run(user, text, today)
    if not checked.ok:
        db.session.rollback()
    return checked


def keep(user, filename, text, rows):
    """Keep a file that passed the dry run, for its owner to import; returns it."""
    db.session.execute(delete(AttendanceImport).where(AttendanceImport.created_at < utcnow() - KEPT_FOR))
    waiting = AttendanceImport(
        token=str(uuid.uuid4()),
        user_id=user.id,
        provider_id=user.provider_id,
        filename=(filename or "marks.csv")[:200],
        content=text,
        rows=rows,
    )
    db.session.add(waiting)
    db.session.flush()
    return waiting


def claim(waiting):
    """Take the waiting file first thing in the import's transaction: False when another
    request (the same confirmation sent twice) took it first."""
    taken = db.session.execute(delete(AttendanceImport).where(AttendanceImport.id == waiting.id))
    return taken.rowcount == 1


def waiting_import(user, token):
    """The user's own file waiting to be imported, or None (another's is none too)."""
    waiting = db.session.scalar(select(AttendanceImport).where(AttendanceImport.token == str(token)))
    if waiting is None or waiting.user_id != user.id or waiting.created_at < utcnow() - KEPT_FOR:
        return None
    return waiting
