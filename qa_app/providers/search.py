"""The register query: search, filters, sort and pages, in a fixed number of SQL queries."""

from dataclasses import dataclass

from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import selectinload

from qa_app.extensions import db
from qa_app.providers.models import Provider, ProviderService


def qa_status_sql(today):
    """The SQL twin of framework.rating.qa_status, for filtering and sorting in the database."""
    return case(
        (Provider.suspended_reason.is_not(None), "suspended"),
        (Provider.rating_rag.is_(None), "not_quality_assured"),
        (Provider.rating_rag == "red", "not_quality_assured"),
        (Provider.qa_valid_until < today, "expired"),
        else_="quality_assured",
    )


@dataclass
class RegisterFilters:
    """What the user asked the register for; blank means 'any'."""

    q: str = ""
    qa_status: str = ""
    rag: str = ""
    borough: str = ""
    registration_status: str = ""
    service: str = ""
    sort: str = "name"


def _filtered(filters, today):
    query = select(Provider)
    text = " ".join((filters.q or "").split())
    if text:
        like = f"%{text.lower()}%"
        compact = f"%{text.replace(' ', '').upper()}%"
        query = query.where(
            or_(
                func.lower(Provider.name).like(like),
                func.replace(Provider.postcode, " ", "").like(compact),
            )
        )
    if filters.qa_status:
        query = query.where(qa_status_sql(today) == filters.qa_status)
    if filters.rag == "none":
        query = query.where(Provider.rating_rag.is_(None))
    elif filters.rag:
        query = query.where(Provider.rating_rag == filters.rag)
    if filters.borough:
        query = query.where(Provider.borough == filters.borough)
    if filters.registration_status:
        query = query.where(Provider.registration_status == filters.registration_status)
    if filters.service:
        query = query.where(
            exists().where(
                ProviderService.provider_id == Provider.id,
                ProviderService.service == filters.service,
            )
        )
    return query


def _ordered(query, sort, today):
    rag_order = case({"red": 0, "amber": 1, "green": 2}, value=Provider.rating_rag, else_=3)
    status_order = case(
        {"suspended": 0, "not_quality_assured": 1, "expired": 2, "quality_assured": 3},
        value=qa_status_sql(today),
    )
    orders = {
        "name": [func.lower(Provider.name)],
        "qa_status": [status_order, func.lower(Provider.name)],
        "rag": [rag_order, func.lower(Provider.name)],
        "last_visit": [Provider.rating_visit_date.is_(None), Provider.rating_visit_date.desc()],
        "next_due": [Provider.next_visit_due.is_not(None), Provider.next_visit_due],
        "borough": [Provider.borough, func.lower(Provider.name)],
    }
    return query.order_by(*orders.get(sort, orders["name"]), Provider.id)


def search_register(filters, today, page=1, per_page=25, with_services=True):
    """One page of the register: a Flask-SQLAlchemy Pagination (count + rows + services)."""
    query = _ordered(_filtered(filters, today), filters.sort, today)
    if with_services:
        query = query.options(selectinload(Provider.services))
    return db.paginate(query, page=page, per_page=per_page, max_per_page=100, error_out=False)


def boroughs():
    """Every borough on the register, for the filter list."""
    return db.session.scalars(select(Provider.borough).distinct().order_by(Provider.borough)).all()
