"""The register's filters: the filter form, what it asks for, and the register query
(search, filters, sort and pages, in a fixed number of SQL queries).

The provider register, the public register and the register's exports all read their
filters here.
"""

from dataclasses import astuple, dataclass
from datetime import timedelta
from functools import lru_cache
from types import MappingProxyType

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from sqlalchemy import and_, case, exists, func, or_, select
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from qa_app.extensions import db
from qa_app.framework.rating import DOCUMENT_GRACE_DAYS, QA_STATUSES, RAG_LABELS
from qa_app.providers.models import REGISTRATION_STATUSES, SERVICES, Provider, ProviderService
from qa_app.statements import PreparedPagination, built_once

# Far beyond any register's length (at 100 a page), and an offset every database takes.
MAX_PAGE = 100_000

SORTS = {
    "name": "Name",
    "qa_status": "QA status",
    "rag": "Overall RAG (red first)",
    "last_visit": "Last visit (newest first)",
    "next_due": "Next visit due (soonest first)",
    "borough": "Borough",
}


@lru_cache(maxsize=4)
def qa_status_conditions(today):
    """{QA status: SQL condition}: the twin of framework.rating.qa_status.

    Plain conditions rather than one CASE, so that the database can use the indexes on
    the rating columns when the register is filtered by status. Made once a day (SQL
    expressions are immutable, and shared by every statement that uses them).
    """
    open_ = Provider.suspended_reason.is_(None)
    rated = Provider.rating_rag.in_(("green", "amber"))
    in_date = Provider.qa_valid_until >= today
    documents = Provider.documents_valid_until
    # A mandatory document out of date: overdue for the days of grace, then out of date.
    grace_began = today - timedelta(days=DOCUMENT_GRACE_DAYS)
    return MappingProxyType(
        {
            "suspended": Provider.suspended_reason.is_not(None),
            "not_quality_assured": and_(
                open_, or_(Provider.rating_rag.is_(None), Provider.rating_rag == "red")
            ),
            "expired": and_(
                open_, rated, or_(Provider.qa_valid_until.is_(None), Provider.qa_valid_until < today)
            ),
            "documents_out_of_date": and_(open_, rated, in_date, documents < grace_began),
            "documents_overdue": and_(open_, rated, in_date, documents < today, documents >= grace_began),
            "quality_assured": and_(open_, rated, in_date, or_(documents.is_(None), documents >= today)),
        }
    )


@lru_cache(maxsize=4)
def qa_status_sql(today):
    """The QA status as one SQL expression, for sorting."""
    return case(*((condition, status) for status, condition in qa_status_conditions(today).items()))


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


class RegisterFilterForm(FlaskForm):
    """Search, filter and sort the register (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField("Name or postcode", widget=GovTextInput(), validators=[Optional(), Length(max=100)])
    qa_status = SelectField(
        "QA status",
        widget=GovSelect(),
        choices=[("", "Any")] + list(QA_STATUSES.items()),
        validators=[Optional()],
    )
    rag = SelectField(
        "Overall RAG",
        widget=GovSelect(),
        choices=[("", "Any")] + list(RAG_LABELS.items()) + [("none", "Not rated")],
        validators=[Optional()],
    )
    borough = SelectField("Borough", widget=GovSelect(), choices=[("", "Any")], validators=[Optional()])
    registration_status = SelectField(
        "Registration status",
        widget=GovSelect(),
        choices=[("", "Any")] + list(REGISTRATION_STATUSES.items()),
        validators=[Optional()],
    )
    service = SelectField(
        "Service",
        widget=GovSelect(),
        choices=[("", "Any")] + list(SERVICES.items()),
        validators=[Optional()],
    )
    sort = SelectField("Sort by", widget=GovSelect(), choices=list(SORTS.items()), validators=[Optional()])
    submit = SubmitField("Apply filters", widget=GovSubmitInput())


def register_filters(form):
    """Read the register's filter form (invalid choices fall back to 'any')."""
    form.borough.choices = [("", "Any")] + [(b, b) for b in boroughs()]
    form.validate()
    fields = ("q", "qa_status", "rag", "borough", "registration_status", "service", "sort")
    values = {name: "" if getattr(form, name).errors else (getattr(form, name).data or "") for name in fields}
    # Optional() passes blank-looking text such as " " without checking the choices.
    for name in fields[1:]:
        if values[name] not in dict(getattr(form, name).choices):
            values[name] = ""
    values["sort"] = values["sort"] or "name"
    return RegisterFilters(**values)


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
        query = query.where(qa_status_conditions(today)[filters.qa_status])
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


SORT_ORDERS = {
    "name": lambda today: [func.lower(Provider.name)],
    "qa_status": lambda today: [
        case(
            {
                "suspended": 0,
                "not_quality_assured": 1,
                "documents_out_of_date": 2,
                "expired": 3,
                "documents_overdue": 4,
                "quality_assured": 5,
            },
            value=qa_status_sql(today),
        ),
        func.lower(Provider.name),
    ],
    "rag": lambda today: [
        case({"red": 0, "amber": 1, "green": 2}, value=Provider.rating_rag, else_=3),
        func.lower(Provider.name),
    ],
    "last_visit": lambda today: [Provider.rating_visit_date.is_(None), Provider.rating_visit_date.desc()],
    "next_due": lambda today: [Provider.next_visit_due.is_not(None), Provider.next_visit_due],
    "borough": lambda today: [Provider.borough, func.lower(Provider.name)],
}


def _ordered(query, sort, today):
    order = SORT_ORDERS.get(sort, SORT_ORDERS["name"])
    return query.order_by(*order(today), Provider.id)


def register_query(filters, today):
    """Every provider the register shows for these filters, in its order (a select to run)."""
    return _ordered(_filtered(filters, today), filters.sort, today)


def search_register(filters, today, page=1, per_page=25):
    """One page of the register: a Flask-SQLAlchemy Pagination (count + rows of the columns
    in REGISTER_ROWS and the provider's QA status today, `qa_status`).

    The page number is bounded: a page past the end is empty, never an offset too
    large for the database."""
    page = min(max(page or 1, 1), MAX_PAGE)
    return PreparedPagination(
        query=_register_rows(astuple(filters), today),
        rows=True,
        page=page,
        per_page=per_page,
        max_per_page=100,
        error_out=False,
    )


# What a row of the register shows of its provider, read as columns (its QA status worked
# out by the database): a page of whole providers built objects of thirty-odd columns.
REGISTER_ROWS = (
    Provider.id,
    Provider.name,
    Provider.borough,
    Provider.postcode,
    Provider.registration_status,
    Provider.urn,
    Provider.ukprn,
    Provider.rating_rag,
    Provider.rating_visit_date,
    Provider.next_visit_due,
)


@built_once
def _register_rows(filters, today):
    """The register's rows for these filters (as a tuple of RegisterFilters' fields)."""
    return register_query(RegisterFilters(*filters), today).with_only_columns(
        *REGISTER_ROWS, qa_status_sql(today).label("qa_status"), maintain_column_froms=True
    )


def services_of(providers):
    """{provider id: [service codes]} for these providers, in one query of plain rows (the
    register shows them as words; loading them as objects costs more than the page)."""
    grouped = {provider.id: [] for provider in providers}
    if grouped:
        rows = db.session.execute(
            select(ProviderService.provider_id, ProviderService.service)
            .where(ProviderService.provider_id.in_(grouped))
            .order_by(ProviderService.provider_id, ProviderService.service)
        )
        for provider_id, service in rows:
            grouped[provider_id].append(service)
    return grouped


def boroughs():
    """Every borough on the register, for the filter list."""
    return db.session.scalars(select(Provider.borough).distinct().order_by(Provider.borough)).all()
