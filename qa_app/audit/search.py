"""Searching the read log: by person, record, action and dates, newest first, a page at a
time in a fixed number of queries; and every matching event as CSV rows."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from qa_app.audit.models import ACTIONS, KINDS, ReadEvent
from qa_app.auth.models import User
from qa_app.extensions import db

PAGE_SIZE = 50
MAX_PAGE = 100_000
CSV_HEADER = ("time_utc", "user_id", "person", "role", "action", "kind", "record", "path", "address")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ReadFilters:
    """What the administrator asked for; empty means any."""

    person: str = ""
    kind: str = ""
    record: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_form(cls, form):
        """The filters of a validated ReadSearchForm."""
        return cls(
            person=(form.person.data or "").strip().lower(),
            kind=form.kind.data or "",
            record=(form.record.data or "").strip(),
            action=form.action.data or "",
            since=form.since.data,
            until=form.until.data,
        )

    def as_args(self):
        """The filters as the search page's query string."""
        args = {
            "person": self.person,
            "kind": self.kind,
            "record": self.record,
            "action": self.action,
            "since": self.since and self.since.isoformat(),
            "until": self.until and self.until.isoformat(),
        }
        return {name: value for name, value in args.items() if value}


def events_query(filters):
    """SQL: the events matching the filters, newest first, each with its person."""
    query = select(ReadEvent).options(joinedload(ReadEvent.user))
    if filters.person:
        query = query.where(ReadEvent.user_id.in_(select(User.id).where(User.email == filters.person)))
    if filters.kind in KINDS:
        query = query.where(ReadEvent.object_kind == filters.kind)
    if filters.record:
        query = query.where(ReadEvent.object_id == filters.record)
    if filters.action in ACTIONS:
        query = query.where(ReadEvent.action == filters.action)
    if filters.since:
        query = query.where(ReadEvent.at >= datetime.combine(filters.since, time.min))
    if filters.until:
        query = query.where(ReadEvent.at < datetime.combine(filters.until + timedelta(days=1), time.min))
    return query.order_by(ReadEvent.at.desc(), ReadEvent.id.desc())


def events_page(filters, page):
    """One page of matching events (two queries: the count and the page)."""
    page = min(max(page, 1), MAX_PAGE)
    return db.paginate(
        events_query(filters), page=page, per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False
    )


def _cell(value):
    """A value as a spreadsheet should show it: text never starts a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(filters, batch=1000):
    """Every matching event as CSV text, a line at a time (the header first), read in batches."""
    out = io.StringIO()
    writer = csv.writer(out)

    def line(row):
        writer.writerow([_cell(value) for value in row])
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    yield "\ufeff" + line(CSV_HEADER)
    for event in db.session.scalars(events_query(filters).execution_options(yield_per=batch)):
        yield line(
            (
                event.at.isoformat(timespec="seconds") + "Z",
                event.user_id,
                event.user.email,
                event.role,
                event.action,
                event.object_kind,
                event.object_id,
                event.path,
                event.address,
            )
        )
