"""`/placements`: a school's own placements, or the authority's view of every pupil in AP
(DESIGN.md 2.6), each in a fixed number of SQL queries however many placements there are.

A school user sees its own school's placements, open first, with what is due on each.
Officers and the Head of Access see every open placement by provider and school, the
counts the authority reports (reason, commissioner, EHC plan, SEN support, looked after),
placements at providers that are not quality assured or not known to be registered first,
and the overdue items. Which placements anyone sees is `placements_visible_to`.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask import render_template, request
from flask_login import current_user, login_required
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, case, func, select

from qa_app.auth.models import School
from qa_app.auth.permissions import authorize, can, placements_visible_to, schools_visited_by
from qa_app.extensions import db
from qa_app.placements import bp
from qa_app.placements.models import COMMISSIONERS, REASONS, Placement
from qa_app.placements.overdue import (
    OVERDUE,
    any_overdue,
    items_from_row,
    overdue_columns,
    overdue_conditions,
)
from qa_app.providers.models import REGISTRATION_STATUSES, Provider
from qa_app.providers.search import qa_status_conditions, qa_status_sql

PAGE_SIZE = 50
MAX_PAGE = 100_000
NOT_KNOWN_REGISTERED = ("unregistered", "not_known")


def concern(today):
    """SQL: 1 when the provider is not quality assured today or not known to be registered."""
    assured = and_(
        qa_status_conditions(today)["quality_assured"],
        Provider.registration_status.not_in(NOT_KNOWN_REGISTERED),
    )
    return case((assured, 0), else_=1)


@dataclass
class ListFilters:
    """What the list was asked for: a provider, a school, an overdue item (or "any" item);
    0 or "" is any."""

    provider_id: int = 0
    school_id: int = 0
    due: str = ""

    @classmethod
    def from_args(cls, args):
        """Read the filters from a query string; anything unknown is 'any'."""
        due = args.get("due", "")
        due = due if due in OVERDUE or due == "any" else ""
        return cls(
            provider_id=max(args.get("provider_id", 0, type=int), 0),
            school_id=max(args.get("school_id", 0, type=int), 0),
            due=due,
        )

    def as_args(self):
        """The filters as query-string arguments (blank ones left out)."""
        return {k: v for k, v in vars(self).items() if v}


class RowPagination(Pagination):
    """A page of rows (a placement with its school, provider and overdue columns): a count
    query and a page query."""

    def _query_items(self):
        query = self._query_args["rows"]
        return db.session.execute(query.limit(self.per_page).offset(self._query_offset)).all()

    def _query_count(self):
        return db.session.scalar(self._query_args["count_query"])


def _scoped(query, user, filters, today, open_only):
    """Add the user's scope, the filters and (for the authority) open placements only."""
    query = query.where(placements_visible_to(user))
    if open_only:
        query = query.where(Placement.ended_on.is_(None))
    if filters.provider_id:
        query = query.where(Placement.provider_id == filters.provider_id)
    if filters.school_id:
        query = query.where(Placement.school_id == filters.school_id)
    if filters.due == "any":
        query = query.where(any_overdue(today))
    elif filters.due:
        query = query.where(overdue_conditions(today)[filters.due])
    return query


def placement_page(user, filters, today, page=1, authority=False):
    """One page of placements with their school, provider, QA status and overdue items.

    The authority's list is open placements, those at providers of concern first, then by
    provider, school and reference; a school's is open first, newest first."""
    rows = (
        select(
            Placement,
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
    count = select(func.count(Placement.id)).join(Provider, Placement.provider_id == Provider.id)
    rows, count = (_scoped(q, user, filters, today, open_only=authority) for q in (rows, count))
    if authority:
        order = [
            concern(today).desc(),
            func.lower(Provider.name),
            func.lower(School.name),
            Placement.pupil_ref,
        ]
    else:
        order = [Placement.ended_on.is_not(None), Placement.start_date.desc(), Placement.pupil_ref]
    page = min(max(page or 1, 1), MAX_PAGE)
    return RowPagination(
        page=page,
        per_page=PAGE_SIZE,
        error_out=False,
        rows=rows.order_by(*order, Placement.id),
        count_query=count,
    )


def overdue_counts(user, filters, today, open_only=False):
    """{overdue kind: how many placements} in the user's scope (one query)."""
    columns = [
        func.count(case((condition, 1))).label(kind) for kind, condition in overdue_conditions(today).items()
    ]
    query = select(*columns).select_from(Placement)
    row = db.session.execute(_scoped(query, user, filters, today, open_only)).one()
    return {kind: getattr(row, kind) or 0 for kind in OVERDUE}


@dataclass
class AuthorityCounts:
    """The authority's counts of open placements (DESIGN.md 2.6)."""

    pupils: int
    by_reason: dict
    by_commissioner: dict
    ehc_plan: int
    sen_support: int
    looked_after: int


def authority_counts(user, filters, today):
    """Open placements by reason, commissioner, EHC plan, SEN support and looked after
    (one grouped query: at most a few hundred rows, whatever the number of placements)."""
    query = select(
        Placement.reason,
        Placement.commissioned_by,
        Placement.ehc_plan,
        Placement.sen_support,
        Placement.looked_after,
        func.count(Placement.id),
    ).group_by(
        Placement.reason,
        Placement.commissioned_by,
        Placement.ehc_plan,
        Placement.sen_support,
        Placement.looked_after,
    )
    reasons, commissioners, flags, total = Counter(), Counter(), Counter(), 0
    for reason, commissioner, ehc, sen, looked_after, n in db.session.execute(
        _scoped(query, user, filters, today, open_only=True)
    ):
        total += n
        reasons[reason] += n
        commissioners[commissioner] += n
        flags.update(
            {
                "ehc_plan": n if ehc else 0,
                "sen_support": n if sen else 0,
                "looked_after": n if looked_after else 0,
            }
        )
    return AuthorityCounts(
        pupils=total,
        by_reason={code: reasons[code] for code in REASONS if reasons[code]},
        by_commissioner={code: commissioners[code] for code in COMMISSIONERS},
        ehc_plan=flags["ehc_plan"],
        sen_support=flags["sen_support"],
        looked_after=flags["looked_after"],
    )


def by_provider_and_school(user, filters, today):
    """[(provider id, name, QA status, registration, concern, school id, school, pupils)]:
    open placements counted per provider and school, providers of concern first (one query)."""
    query = (
        select(
            Provider.id,
            Provider.name,
            qa_status_sql(today).label("qa_status"),
            Provider.registration_status,
            concern(today).label("concern"),
            School.id.label("school_id"),
            School.name.label("school_name"),
            func.count(Placement.id).label("pupils"),
        )
        .join(Provider, Placement.provider_id == Provider.id)
        .join(School, Placement.school_id == School.id)
        # The other columns depend on these primary keys, which PostgreSQL accepts.
        .group_by(Provider.id, School.id)
        .order_by(concern(today).desc(), func.lower(Provider.name), func.lower(School.name))
    )
    return db.session.execute(_scoped(query, user, filters, today, open_only=True)).all()


@bp.route("/placements")
@login_required
def index():
    """A school's placements with what is due; for the authority, every pupil in AP."""
    authorize("placement.view")
    today = date.today()
    filters = ListFilters.from_args(request.args)
    authority = can(current_user, "placement.authority_view")
    page = placement_page(current_user, filters, today, request.args.get("page", 1, type=int), authority)
    return render_template(
        "placements/index.html",
        authority=authority,
        filters=filters,
        page=page,
        due={row.Placement.id: items_from_row(row) for row in page.items},
        overdue=overdue_counts(current_user, filters, today, open_only=authority),
        counts=authority_counts(current_user, filters, today) if authority else None,
        pairs=by_provider_and_school(current_user, filters, today) if authority else [],
        # The schools whose pages this user may open (the ones they visit), to link their names.
        school_pages=set(db.session.scalars(select(School.id).where(schools_visited_by(current_user))))
        if authority
        else set(),
        school=None if authority else current_user.school,
        overdue_labels=OVERDUE,
        reasons=REASONS,
        commissioners=COMMISSIONERS,
        registration_labels=REGISTRATION_STATUSES,
        today=today,
    )
