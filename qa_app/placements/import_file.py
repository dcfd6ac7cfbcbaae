"""Reading a placements file (docs/domain.md §2.6): the template's columns, the file's text,
and each row as the body of a new placement with the problems of its cells. Running the
import is placements/imports.py."""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from qa_app.domain import Invalid
from qa_app.placements.models import ATTENDANCE_CODES, COMMISSIONERS, REASONS

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
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


def row_problems(number, error):
    """A save's Invalid as the row's problems, each under its column's heading."""
    fields = getattr(error, "fields", None) or {"Row": str(error)}
    problems = []
    for path, message in fields.items():
        column = BY_NAME.get(path.split(".", 1)[0].split("[", 1)[0])
        problems.append(Problem(number, column.label if column else "Row", message))
    return problems
