"""CSV import of placements from a school's MIS (DESIGN.md 2.6).

The template has one column per field a placement's first record needs, headed in plain
words with the codes it takes. A file is read with the csv module into one PlacementBody
per row and saved through services.save_placement, the one save path, so an imported
placement obeys every rule a typed one does. All rows are saved in one transaction: the
dry run is the same run rolled back, and nothing is imported while any row has a problem.
The registration test across schools runs once per provider at the end of an import.
"""

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete

from qa_app.auth.models import utcnow
from qa_app.domain import DomainError, Invalid
from qa_app.extensions import db
from qa_app.placements.models import ATTENDANCE_CODES, COMMISSIONERS, REASONS, PlacementImport
from qa_app.placements.registration import one_test_per_provider
from qa_app.placements.schemas import PlacementBody, read
from qa_app.placements.services import notify_placing, placing_check, save_placement

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
KEPT_FOR = timedelta(days=1)
YES, NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0")


@dataclass(frozen=True)
class Column:
    """One column of the template: the placement field, its heading and what it takes."""

    name: str
    label: str
    kind: str = "text"  # text, whole, number, yes_no, date, code
    codes: tuple = ()
    required: bool = True
    hint: str = ""

    @property
    def heading(self):
        """The heading in the template: the plain words, then what the column takes."""
        if self.kind == "code":
            return f"{self.label} ({', '.join(self.codes)})"
        return f"{self.label} ({self.hint})" if self.hint else self.label


COLUMNS = (
    Column("pupil_ref", "Pupil reference", hint="the school's own, never a name"),
    Column("year_group", "Year group", "whole", hint="0 for reception to 14"),
    Column("ehc_plan", "EHC plan", "yes_no", required=False, hint="yes or no"),
    Column("sen_support", "SEN support", "yes_no", required=False, hint="yes or no"),
    Column("looked_after", "Looked after", "yes_no", required=False, hint="yes or no"),
    Column("provider_id", "Provider number", "whole", hint="as on the register"),
    Column("commissioned_by", "Commissioned by", "code", tuple(COMMISSIONERS), required=False),
    Column("reason", "Reason", "code", tuple(REASONS)),
    Column("start_date", "Start date", "date", hint="YYYY-MM-DD or DD/MM/YYYY"),
    Column("planned_end_date", "Planned end date", "date", hint="YYYY-MM-DD or DD/MM/YYYY"),
    Column("days_per_week", "Days a week", "whole", hint="0 to 5"),
    Column("hours_per_week", "Hours a week", "number", hint="0 to 40"),
    Column("weeks_per_year", "Weeks a year", "whole", required=False, hint="38 if blank"),
    Column("daytime", "Daytime", "yes_no", required=False, hint="yes if blank"),
    Column("main_education", "Main education", "yes_no", required=False, hint="yes if blank"),
    Column("part_time", "Part-time timetable", "yes_no", required=False, hint="yes or no"),
    Column("part_time_reason", "Part-time reason", required=False),
    Column("part_time_review_date", "Part-time review date", "date", required=False, hint="YYYY-MM-DD"),
    Column("attendance_code", "Attendance code", "code", tuple(ATTENDANCE_CODES), required=False),
    Column(
        "safeguarding_confirmation_received",
        "Safeguarding confirmation received",
        "date",
        required=False,
        hint="date of the provider's written confirmation",
    ),
    Column("objectives", "Objectives", required=False),
    Column("reintegration_timeline", "Reintegration timeline", required=False),
    Column(
        "placing_reason",
        "Reason for placing",
        required=False,
        hint="needed when the provider is not quality assured or not known to be registered",
    ),
)
BY_NAME = {column.name: column for column in COLUMNS}
BY_LABEL = {column.label.lower(): column for column in COLUMNS}


@dataclass(frozen=True)
class Problem:
    """What is wrong with one row (or the file, as row 1): the column and the message."""

    row: int
    column: str
    message: str


@dataclass
class Checked:
    """The outcome of a run over a file: the rows read, their problems, and what was saved."""

    rows: int = 0
    problems: list = field(default_factory=list)
    saved: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


def template_csv():
    """The template: UTF-8 with a byte order mark (so spreadsheets read it as UTF-8), one
    heading per column."""
    out = io.StringIO()
    csv.writer(out).writerow(column.heading for column in COLUMNS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# -- reading a file ---------------------------------------------------------------------------


def decode(data, filename=""):
    """The file's text (UTF-8, with or without a BOM; Windows-1252 as some MIS save it), or
    Invalid saying why it is not a CSV file we can read."""
    if not data:
        raise Invalid({"file": "The file is empty: choose a CSV file made from the template"})
    if len(data) > MAX_BYTES:
        raise Invalid({"file": f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB"})
    if filename and not filename.lower().endswith(".csv"):
        raise Invalid({"file": "The file must be a CSV file (ending .csv): save the spreadsheet as CSV"})
    if b"\x00" in data[:4096] or data[:4] in (b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0"):
        raise Invalid(
            {"file": "The file is not a CSV file: save the spreadsheet as CSV (UTF-8) and try again"}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise Invalid({"file": "The file is not readable text: save it as CSV (UTF-8)"}) from None


def _header(cells):
    """The columns in the file's order, or Invalid naming those missing or unknown."""
    found, unknown = [], []
    for cell in cells:
        label = cell.split("(", 1)[0].strip().lower()
        column = BY_LABEL.get(label)
        if column is None:
            unknown.append(cell.strip() or "(blank)")
        found.append(column)
    missing = [c.label for c in COLUMNS if c.required and c not in found]
    doubled = sorted({c.label for c in found if c is not None and found.count(c) > 1})
    problems = []
    if unknown:
        problems.append(f"unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")
    if missing:
        problems.append(f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    if doubled:
        problems.append(f"columns given twice: {', '.join(doubled)}")
    if problems:
        raise Invalid({"file": "The first row must be the template's headings: " + "; ".join(problems)})
    return found


def _value(column, text):
    """A cell as the body's value, or ValueError with the message for the row."""
    text = text.strip()
    if not text:
        if column.required:
            raise ValueError("is blank: fill it in")
        return None
    if column.kind == "text":
        return text
    if column.kind == "yes_no":
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise ValueError(f"'{text}' is not yes or no")
    if column.kind == "code":
        if text in column.codes:
            return text
        raise ValueError(f"'{text}' is not a code we know: use one of {', '.join(column.codes)}")
    if column.kind == "date":
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(text, pattern).date().isoformat()
            except ValueError:
                pass
        raise ValueError(f"'{text}' is not a date: write it like 2026-11-02 or 02/11/2026")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a number") from None
    if column.kind == "whole":
        if not number.is_integer():
            raise ValueError(f"'{text}' is not a whole number")
        return int(number)
    return int(number) if number.is_integer() else number


def read_rows(text):
    """(row number, body fields or None, problems) for each row of the file after its headings.

    Raises Invalid when the file as a whole cannot be read (no headings, too many rows)."""
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise Invalid({"file": f"The file is not a CSV file we can read: {error}"}) from None
    if not records or not any(cell.strip() for cell in records[0]):
        raise Invalid({"file": "The file has no headings: start from the template"})
    columns = _header(records[0])
    if len(records) - 1 > MAX_ROWS:
        raise Invalid({"file": f"The file has {len(records) - 1} rows: import at most {MAX_ROWS} at a time"})
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, often at the end of an export
        if len(cells) != len(columns):
            problem = Problem(number, "Row", f"has {len(cells)} columns; the headings have {len(columns)}")
            yield number, None, [problem]
            continue
        body, problems = {}, []
        for column, cell in zip(columns, cells, strict=True):
            try:
                value = _value(column, cell)
            except ValueError as error:
                problems.append(Problem(number, column.label, str(error)))
                continue
            if value is not None:
                body[column.name] = value
        yield number, body, problems


def _problems(number, error):
    """A save's Invalid as the row's problems, each under its column's heading."""
    fields = getattr(error, "fields", None) or {"Row": str(error)}
    problems = []
    for path, message in fields.items():
        column = BY_NAME.get(path.split(".", 1)[0].split("[", 1)[0])
        problems.append(Problem(number, column.label if column else "Row", message))
    return problems


# -- running an import -------------------------------------------------------------------------


def run(user, school_id, text, today=None, dry_run=False):
    """Save every row as a placement of the school through save_placement, in the current
    transaction; returns a Checked. The caller commits only when it is ok (or rolls back
    for a dry run), so nothing is imported while any row has a problem."""
    checked = Checked()
    with one_test_per_provider(test=not dry_run):
        for number, body, problems in read_rows(text):
            checked.rows += 1
            if body is None:
                checked.problems.extend(problems)
                continue
            try:
                change = read(PlacementBody, {**body, "school_id": school_id}).to_change()
                if not problems:
                    placement, _ = save_placement(user, str(uuid.uuid4()), change, today=today, notify=False)
                    checked.saved.append(placement)
            except (Invalid, DomainError) as error:
                # A cell already refused is not refused again as missing.
                flagged = {p.column for p in problems}
                problems += [p for p in _problems(number, error) if p.column not in flagged]
            checked.problems.extend(problems)
        if not checked.ok:
            # Nothing will be kept: the registration test need not run on the way out.
            raise _Abandon(checked)
        if not dry_run:
            _notify(checked.saved, today or date.today())
    return checked


def _notify(placements, today):
    """One email a provider for the imported placements that needed the school's reason,
    rather than one a row."""
    by_provider = {}
    for placement in placements:
        by_provider.setdefault(placement.provider_id, []).append(placement)
    for placed in by_provider.values():
        check = placing_check(placed[0].provider, today)
        if check is not None:
            notify_placing(placed, check)


class _Abandon(Exception):
    """Leaves the batch without testing the providers, carrying the checked rows."""

    def __init__(self, checked):
        self.checked = checked


def check(user, school_id, text, today=None):
    """The dry run: the import run in full, then rolled back; returns a Checked."""
    try:
        checked = run(user, school_id, text, today, dry_run=True)
    except _Abandon as abandoned:
        checked = abandoned.checked
    db.session.rollback()
    return checked


def import_rows(user, school_id, text, today=None):
    """The import: a Checked whose rows are flushed when ok; on a problem everything is
    rolled back (the caller commits when ok)."""
    try:
        return run(user, school_id, text, today)
    except _Abandon as abandoned:
        db.session.rollback()
        return abandoned.checked


# -- files waiting to be imported ---------------------------------------------------------------


def keep(user, school_id, filename, text, rows):
    """Keep a file that passed the dry run, for its owner to import; returns it."""
    db.session.execute(delete(PlacementImport).where(PlacementImport.created_at < utcnow() - KEPT_FOR))
    waiting = PlacementImport(
        token=str(uuid.uuid4()),
        user_id=user.id,
        school_id=school_id,
        filename=(filename or "placements.csv")[:200],
        content=text,
        rows=rows,
    )
    db.session.add(waiting)
    db.session.flush()
    return waiting


def waiting_import(user, token):
    """The user's own file waiting to be imported, or None (another's is none too)."""
    waiting = db.session.scalar(db.select(PlacementImport).where(PlacementImport.token == str(token)))
    if waiting is None or waiting.user_id != user.id or waiting.created_at < utcnow() - KEPT_FOR:
        return None
    return waiting
