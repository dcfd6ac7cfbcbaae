"""The lists behind `/placements`: a school's own placements, or the authority's view of every
pupil in AP (docs/domain.md §2.6), each in a fixed number of SQL queries however many
placements there are. The route is in placements/routes.py, the authority's figures in
placements/authority_figures.py.

A school user sees its own school's placements, open first, with what is due on each.
Officers and the Head of Access see every open placement by provider and school, the
counts the authority reports (reason, commissioner, EHC plan, SEN support, looked after),
the providers of concern (not quality assured or not known to be registered) as a count and
the first few, then one page of placements, those at providers of concern first. Both lists
search by pupil reference, school or provider. Which placements anyone sees is
`placements_visible_to`.
"""

from dataclasses import astuple, dataclass
from functools import lru_cache
from typing import NamedTuple

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, bindparam, case, func, or_, select, true
from sqlalchemy.orm import aliased

from qa_app.auth.models import School
from qa_app.extensions import db
from qa_app.framework.rating import ASSURED
from qa_app.kept_figures import kept
from qa_app.placements.models import Placement
from qa_app.placements.overdue import (
    OVERDUE,
    any_overdue,
    overdue_columns,
    overdue_conditions,
)
from qa_app.placements.placing import NOT_KNOWN_REGISTERED
from qa_app.placements.scopes import placements_visible_to, scope_key
from qa_app.providers.models import Provider
from qa_app.providers.search import qa_status_conditions, qa_status_sql
from qa_app.statements import built_once, viewer

# Placements a page lists, as the other lists do: a phone shows them without a long scroll.
PAGE_SIZE = 25
MAX_PAGE = 100_000
MAX_SEARCH = 100
# The providers of concern named on the authority's page; the rest are counted.
CONCERNS_SHOWN = 10


@lru_cache(maxsize=4)
def concern(today):
    """SQL: 1 when the provider is not quality assured today or not known to be registered."""
    conditions = qa_status_conditions(today)
    assured = and_(
        or_(*(conditions[status] for status in ASSURED)),
        Provider.registration_status.not_in(NOT_KNOWN_REGISTERED),
    )
    return case((assured, 0), else_=1)


@dataclass(frozen=True)
class ListFilters:
    """What the list was asked for: a provider, a school, an overdue item (or "any" item),
    words to search pupil references, school and provider names for; 0 or "" is any."""

    provider_id: int = 0
    school_id: int = 0
    due: str = ""
    q: str = ""

    @classmethod
    def from_args(cls, args):
        """Read the filters from a query string; anything unknown is 'any'."""
        due = args.get("due", "")
        due = due if due in OVERDUE or due == "any" else ""
        return cls(
            provider_id=max(args.get("provider_id", 0, type=int), 0),
            school_id=max(args.get("school_id", 0, type=int), 0),
            due=due,
            q=" ".join(args.get("q", "").split())[:MAX_SEARCH],
        )

    def key(self):
        """The filters as a key for kept figures."""
        return astuple(self)

    def as_args(self):
        """The filters as query-string arguments (blank ones left out)."""
        return {k: v for k, v in vars(self).items() if v}


class RowPagination(Pagination):
    """A page of rows (a placement with its school, provider and overdue columns): a count
    query and a page query. The page's placements are chosen in order by their ids alone,
    and only those read with their columns: sorting whole rows would work out the overdue
    columns for every placement in the list. Which ids are on the page, and the count, are
    kept until a placement, provider or school changes (kept_figures)."""

    def _query_items(self):
        statements, key = self._query_args["statements"], self._query_args["key"]
        params = {"page_limit": self.per_page, "page_offset": self._query_offset}
        ids = kept(
            "placement_page_ids",
            (*key, self.page, self.per_page),
            lambda: list(db.session.scalars(statements.ids, params)),
        )
        return db.session.execute(statements.page, {"ids": ids}).all()

    def _query_count(self):
        statements = self._query_args["statements"]
        return kept("placement_count", self._query_args["key"], lambda: db.session.scalar(statements.count))


class WindowRow(NamedTuple):
    """A provider in the authority's list: how many of the list's placements come before
    it, up to and including it, and in all."""

    provider_id: int
    before: int
    after: int
    total: int


class AuthorityPagination(Pagination):
    """A page of the authority's list, placements grouped by provider: the providers in the
    list's order with how many placements each has (counted from the index by provider
    without reading a placement's row, and kept until a placement, provider or school
    changes) say which providers the page falls in and how many placements come before
    them; only their placements are then read and sorted. Sorting every open placement with
    its overdue columns worked them out for tens of thousands of rows a page."""

    def _query_items(self):
        start, end = self._query_offset, self._query_offset + self.per_page
        found = kept(
            "provider_window",
            self._query_args["key"],
            lambda: [
                WindowRow(*map(int, row)) for row in db.session.execute(select(self._query_args["window"]()))
            ],
        )
        self._total = found[0].total if found else 0
        shown = [row for row in found if row.before < end and row.after > start]
        skip = start - min((row.before for row in shown), default=0)
        params = {
            "providers": [row.provider_id for row in shown],
            "page_limit": self.per_page,
            "page_offset": max(skip, 0),
        }
        return db.session.execute(self._query_args["statements"].page, params).all()

    def _query_count(self):
        return self._total


def provider_window(user, filters, today):
    """SQL (a subquery): each provider with open placements in the list, in the list's order
    of providers, with how many of the list's placements come before it (`before`), up to
    and including it (`after`), and in all (`total`)."""
    pupils = func.count(Placement.id)
    counted = scoped(
        select(Placement.provider_id, pupils.label("pupils")).group_by(Placement.provider_id),
        user,
        filters,
        today,
        open_only=True,
    ).subquery()
    running = func.sum(counted.c.pupils).over(order_by=provider_order(today))
    return (
        select(
            counted.c.provider_id,
            (running - counted.c.pupils).label("before"),
            running.label("after"),
            func.sum(counted.c.pupils).over().label("total"),
        )
        .join(Provider, Provider.id == counted.c.provider_id)
        .subquery()
    )


def provider_order(today):
    """The order of providers in the authority's list: of concern first, then by name."""
    return (concern(today).desc(), func.lower(Provider.name), Provider.id)


def search_condition(words, on_rows=False, among=None):
    """SQL: the placement's pupil reference, school or provider contains the words (no join
    needed, so every query of the page can use it).

    The references are matched in a query of their own, which reads them from the index by
    school and reference: the counts then need no placement's row. A query that reads the
    rows anyway (`on_rows`, the page's own placements) tests each row's reference instead,
    so that it reads only the references of the placements it looks at; `among`, the
    providers the page falls in, spares it testing every provider's name."""
    matching = aliased(Placement)
    reference = (
        Placement.pupil_ref.icontains(words, autoescape=True)
        if on_rows
        else Placement.id.in_(select(matching.id).where(matching.pupil_ref.icontains(words, autoescape=True)))
    )
    return or_(
        reference,
        Placement.school_id.in_(select(School.id).where(School.name.icontains(words, autoescape=True))),
        Placement.provider_id.in_(
            select(Provider.id).where(
                Provider.name.icontains(words, autoescape=True),
                true() if among is None else Provider.id.in_(among),
            )
        ),
    )


def scoped(query, user, filters, today, open_only, on_rows=False, among=None):
    """Add the user's scope, the filters and (for the authority) open placements only;
    `on_rows` for a query that reads the placements' rows (see search_condition)."""
    query = query.where(placements_visible_to(user))
    if open_only:
        query = query.where(Placement.ended_on.is_(None))
    if filters.provider_id:
        query = query.where(Placement.provider_id == filters.provider_id)
    if filters.school_id:
        query = query.where(Placement.school_id == filters.school_id)
    if filters.q:
        query = query.where(search_condition(filters.q, on_rows, among))
    if filters.due == "any":
        query = query.where(any_overdue(today))
    elif filters.due:
        query = query.where(overdue_conditions(today)[filters.due])
    return query


def placement_page(user, filters, today, page=1, authority=False):
    """One page of placements (the columns in SHOWN) with their school, provider, QA status
    and overdue items.

    The authority's list is open placements, those at providers of concern first, then by
    provider, school and reference; a school's is open first, newest first."""
    page = min(max(page or 1, 1), MAX_PAGE)
    statements = _page_statements(viewer(user), filters, today, authority)
    if authority:
        return AuthorityPagination(
            page=page,
            per_page=PAGE_SIZE,
            error_out=False,
            statements=statements,
            window=lambda: provider_window(user, filters, today),  # made only when not kept
            key=(scope_key(user), filters.key(), today),
        )
    return RowPagination(
        page=page,
        per_page=PAGE_SIZE,
        error_out=False,
        statements=statements,
        key=(scope_key(user), filters.key(), today),
    )


class PageStatements(NamedTuple):
    """A list's page of rows (for the authority, its providers, limit and offset are bound
    parameters; for a school's list, the ids chosen by `ids`, whose limit and offset are),
    and for a school's list the count."""

    page: object
    ids: object = None
    count: object = None


# What a row of the list shows of its placement, read as columns: a page of whole placements
# built an object of thirty-odd columns a row to show these.
SHOWN = (
    Placement.id,
    Placement.uuid,
    Placement.school_id,
    Placement.pupil_ref,
    Placement.year_group,
    Placement.ehc_plan,
    Placement.sen_support,
    Placement.looked_after,
    Placement.start_date,
    Placement.planned_end_date,
    Placement.ended_on,
)


@built_once
def _page_statements(user, filters, today, authority):
    rows = (
        select(
            *SHOWN,
            School.name.label("school_name"),
            Provider.name.label("provider_name"),
            Provider.registration_status,
            qa_status_sql(today).label("qa_status"),
            concern(today).label("concern"),
            *overdue_columns(today),
        )
        .join(School, Placement.school_id == School.id)
        .join(Provider, Placement.provider_id == Provider.id)
    )
    limit, offset = bindparam("page_limit"), bindparam("page_offset")
    if authority:
        providers = bindparam("providers", expanding=True)
        rows = scoped(rows, user, filters, today, open_only=True, on_rows=True, among=providers)
        order = [*provider_order(today), func.lower(School.name), Placement.pupil_ref, Placement.id]
        shown = Placement.provider_id.in_(providers)
        return PageStatements(rows.where(shown).order_by(*order).limit(limit).offset(offset))
    rows = scoped(rows, user, filters, today, open_only=False, on_rows=True)
    ids, count = (
        scoped(query, user, filters, today, open_only=False)
        for query in (select(Placement.id), select(func.count(Placement.id)))
    )
    # A school's page: open first, newest first.
    order = [Placement.ended_on.is_not(None), Placement.start_date.desc(), Placement.pupil_ref, Placement.id]
    chosen = Placement.id.in_(bindparam("ids", expanding=True))
    return PageStatements(
        rows.where(chosen).order_by(*order), ids.order_by(*order).limit(limit).offset(offset), count
    )


def overdue_counts(user, filters, today):
    """{overdue kind: how many placements} in the user's scope (one query, kept until a
    placement, provider or school changes)."""
    return kept(
        "overdue_counts",
        (scope_key(user), filters.key(), today),
        lambda: _overdue_counts(user, filters, today),
    )


def _overdue_counts(user, filters, today):
    columns = [
        func.count(case((condition, 1))).label(kind) for kind, condition in overdue_conditions(today).items()
    ]
    query = select(*columns).select_from(Placement)
    # Each condition holds for open placements only, so `open_only` adds nothing here; left
    # out, the database reads the rows in one pass rather than each through an index of open
    # placements.
    row = db.session.execute(scoped(query, user, filters, today, open_only=False)).one()
    return {kind: getattr(row, kind) or 0 for kind in OVERDUE}
