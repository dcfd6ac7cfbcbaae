"""CSV import of placements from a school's MIS (docs/domain.md §2.6).

The template has one column per field a placement's first record needs, headed in plain
words with the codes it takes. A file is read with the csv module into one PlacementBody
per row, and each row goes through services.new_placement, the checks save_placement makes
of a new placement, so an imported placement obeys every rule a typed one does. The school,
the providers the rows name and the school's placements are looked up once for the file,
not once a row; the rows are then written together in one transaction. The dry run checks
the same way and writes nothing, and nothing is imported while any row has a problem. The
registration test across schools runs once for the providers an import touches."""

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select

from qa_app.auth.models import School
from qa_app.dates import utcnow
from qa_app.domain import DomainError, Invalid
from qa_app.extensions import db
from qa_app.placements.models import ATTENDANCE_CODES, COMMISSIONERS, REASONS, Placement, PlacementImport
from qa_app.placements.schemas import PlacementBody
from qa_app.placements.services import add_placements, new_placement_row, notify_placing
from qa_app.providers.models import Provider
from qa_app.providers.services import normalise_name, providers_by_reference
from qa_app.schemas import read

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
    Column("provider_id", "Provider", hint="its name, URN or UKPRN as the register shows them"),
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
BY_LABEL["provider number"] = BY_NAME["provider_id"]  # the heading of older templates


@dataclass(frozen=True)
class Problem:
    """What is wrong with one row (or the file, as row 1): the column and the message."""

    row: int
    column: str
    message: str


@dataclass
class Checked:
    """The outcome of a run over a file: the rows read, their problems, and the placements'
    rows that passed (written unless it was a dry run)."""

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
    return READERS[column.kind](column, text)


def _yes_no(_column, text):
    if text.lower() in YES:
        return True
    if text.lower() in NO:
        return False
    raise ValueError(f"'{text}' is not yes or no")


def _code(column, text):
    if text in column.codes:
        return text
    raise ValueError(f"'{text}' is not a code we know: use one of {', '.join(column.codes)}")


def _date(_column, text):
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            pass
    raise ValueError(f"'{text}' is not a date: write it like 2026-11-02 or 02/11/2026")


def _number(column, text):
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a number") from None
    if column.kind == "whole" and not number.is_integer():
        raise ValueError(f"'{text}' is not a whole number")
    return int(number) if number.is_integer() else number


# How each kind of column reads a cell that is not blank.
READERS = {
    "text": lambda _column, text: text,
    "yes_no": _yes_no,
    "code": _code,
    "date": _date,
    "whole": _number,
    "number": _number,
}


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


def _provider_id(providers, cell, number, problems):
    """The id of the one provider the cell names; None (and a problem) otherwise."""
    ids = providers.get(normalise_name(cell), [])
    if len(ids) == 1:
        return ids[0]
    message = (
        f"'{cell}' names more than one provider: use its URN or UKPRN"
        if ids
        else f"'{cell}' is not a provider on the register: use its name, URN or UKPRN as the register shows them"
    )
    problems.append(Problem(number, BY_NAME["provider_id"].label, message))
    return None


def run(user, school_id, text, today=None, dry_run=False):
    """Check every row as save_placement checks a new placement of the school and, unless
    this is a dry run, add them all in the current transaction; returns a Checked. The
    school, the providers named and the school's placements are each looked up once for the
    whole file, the rows are written together, and the registration test across schools runs
    once for the providers touched. The caller commits only when it is ok (or rolls back),
    so nothing is imported while any row has a problem."""
    today = today or date.today()
    checked = Checked()
    rows = list(read_rows(text))
    school = db.session.get(School, school_id)
    # Each row's provider, named by its name, URN or UKPRN: all of them found in one query.
    references = providers_by_reference([body.get("provider_id") for _, body, _ in rows if body])
    for number, body, problems in rows:
        if body and "provider_id" in body:
            body["provider_id"] = _provider_id(references, body["provider_id"], number, problems)
    providers = find_providers({body.get("provider_id") for _, body, _ in rows if body})
    taken = set(
        db.session.execute(
            select(Placement.pupil_ref, Placement.start_date).where(Placement.school_id == school_id)
        ).all()
    )
    checks = {}  # each provider's placing check, made once
    for number, body, problems in rows:
        checked.rows += 1
        if body is None:
            checked.problems.extend(problems)
            continue
        try:
            change = read(PlacementBody, {**body, "school_id": school_id}).to_change()
            if not problems:
                key = (change.pupil_ref, change.start_date)
                provider = providers.get(body["provider_id"])
                row = new_placement_row(user, change, school, provider, today, key in taken, checks)
                taken.add(key)  # a second row for the same pupil and start is refused too
                checked.saved.append(row)
        except (Invalid, DomainError) as error:
            # A cell already refused is not refused again as missing.
            flagged = {p.column for p in problems}
            problems += [p for p in _problems(number, error) if p.column not in flagged]
        checked.problems.extend(problems)
    if not checked.ok:
        raise _Abandon(checked)
    if not dry_run:
        add_placements(checked.saved)
        _notify(checked.saved, checks)
    return checked


def find_providers(identifiers):
    """{provider id: Provider} for the providers the rows name (their ids, once each row's
    name, URN or UKPRN is found), in one query."""
    ids = {identifier for identifier in identifiers if isinstance(identifier, int)}
    if not ids:
        return {}
    return {
        provider.id: provider for provider in db.session.scalars(select(Provider).where(Provider.id.in_(ids)))
    }


def _notify(rows, checks):
    """One email a provider for the imported placements that needed the school's reason,
    rather than one a row (those placements read back in one query)."""
    needing = [row["uuid"] for row in rows if checks.get(row["provider_id"])]
    if not needing:
        return
    read_back = {p.uuid: p for p in db.session.scalars(select(Placement).where(Placement.uuid.in_(needing)))}
    by_provider = {}
    for placement in (read_back[key] for key in needing):  # in the file's order
        by_provider.setdefault(placement.provider_id, []).append(placement)
    for provider_id, placed in by_provider.items():
        notify_placing(placed, checks[provider_id])


class _Abandon(Exception):
    """Leaves a run with a problem without writing anything, carrying the checked rows."""

    def __init__(self, checked):
        self.checked = checked


def check(user, school_id, text, today=None):
    """The dry run: every row checked as the import checks it, nothing written, and the
    session rolled back; returns a Checked."""
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


def claim(waiting):
    """Take the waiting file for this import, first thing in its transaction: False when
    another request (the same confirmation sent twice) took it first. On PostgreSQL the
    second DELETE waits for the first transaction and then finds no row."""
    taken = db.session.execute(delete(PlacementImport).where(PlacementImport.id == waiting.id))
    return taken.rowcount == 1


def waiting_import(user, token):
    """The user's own file waiting to be imported, or None (another's is none too)."""
    waiting = db.session.scalar(db.select(PlacementImport).where(PlacementImport.token == str(token)))
    if waiting is None or waiting.user_id != user.id or waiting.created_at < utcnow() - KEPT_FOR:
        return None
    return waiting
