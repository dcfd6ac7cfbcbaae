"""The register as exported: the screen's own query and filters, every page of it.

register_rows() streams the rows from the database in batches, so a 10,000-row export
never holds every provider at once; register_csv() and reports.pdf write them out.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from qa_app.extensions import db
from qa_app.framework.rating import QA_STATUSES, RAG_LABELS
from qa_app.providers.models import REGISTRATION_STATUSES, SERVICES, Provider
from qa_app.providers.search import SORTS, register_query

COLUMNS = (
    "ID",
    "Provider",
    "Borough",
    "Postcode",
    "Registration status",
    "URN",
    "Services",
    "QA status",
    "Overall RAG",
    "Last visit",
    "Next visit due",
)
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RegisterRow:
    """One provider as the register shows it: public fields only, never internal notes."""

    id: int
    name: str
    borough: str
    postcode: str
    registration: str
    urn: str
    services: str
    qa_status: str
    rag: str | None
    last_visit: date | None
    next_due: date | None

    @property
    def rag_label(self):
        return RAG_LABELS.get(self.rag, "Not rated")

    @property
    def qa_status_label(self):
        return QA_STATUSES[self.qa_status]


def register_rows(filters, today, batch=500):
    """Every provider on the register for these filters, in the screen's order, as RegisterRow."""
    query = (
        register_query(filters, today)
        .options(selectinload(Provider.services))
        .execution_options(yield_per=batch)
    )
    for provider in db.session.scalars(query):
        yield RegisterRow(
            id=provider.id,
            name=provider.name,
            borough=provider.borough,
            postcode=provider.postcode,
            registration=REGISTRATION_STATUSES[provider.registration_status],
            urn=provider.urn,
            services=", ".join(SERVICES[s.service] for s in provider.services),
            qa_status=provider.qa_status(today)[0],
            rag=provider.rating_rag,
            last_visit=provider.rating_visit_date,
            next_due=provider.next_visit_due,
        )


def count_rows(filters, today):
    """How many providers the register shows for these filters."""
    query = register_query(filters, today).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(query))


def describe_filters(filters):
    """The filters in words, for the top of an export (empty when there are none)."""
    chosen = [
        ("Name or postcode", f"“{filters.q}”" if filters.q else ""),
        ("QA status", QA_STATUSES.get(filters.qa_status, "")),
        ("Overall RAG", {**RAG_LABELS, "none": "Not rated"}.get(filters.rag, "")),
        ("Borough", filters.borough),
        ("Registration status", REGISTRATION_STATUSES.get(filters.registration_status, "")),
        ("Service", SERVICES.get(filters.service, "")),
    ]
    return [f"{label}: {value}" for label, value in chosen if value]


def sort_label(filters):
    """How the rows are sorted, in words."""
    return SORTS.get(filters.sort, SORTS["name"])


def register_csv(rows):
    """The rows as CSV bytes: UTF-8 with a byte-order mark (so Excel reads it as UTF-8), ISO dates."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.id,
                _cell(row.name),
                _cell(row.borough),
                row.postcode,
                row.registration,
                row.urn,
                row.services,
                row.qa_status_label,
                row.rag_label,
                row.last_visit.isoformat() if row.last_visit else "",
                row.next_due.isoformat() if row.next_due else "",
            ]
        )
    return out.getvalue().encode("utf-8")


def _cell(text):
    """Free text as a spreadsheet shows it, never as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
