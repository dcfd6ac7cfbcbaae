"""The visit programme (which providers and schools are due a visit), the officer's own
visits, their open visit to each provider and school, and the list of overdue actions."""

from datetime import date, timedelta

from flask import render_template, request
from flask_login import current_user, login_required
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, bindparam, func, nulls_first, select
from sqlalchemy.orm import aliased, joinedload, load_only

from qa_app.auth.models import School, User
from qa_app.auth.permissions import authorize, sees_everything
from qa_app.dates import utcnow
from qa_app.extensions import db
from qa_app.providers.models import Provider
from qa_app.providers.scopes import providers_of
from qa_app.selfassessment.services import OFFER_WITHIN, open_requests
from qa_app.statements import PreparedPagination, built_once, viewer
from qa_app.visits import bp
from qa_app.visits.models import Action, Visit
from qa_app.visits.school_programme import SCHOOLS_LIMIT, schools_due
from qa_app.visits.scopes import EDITABLE_VISIT_STATES, actions_visible_to, visits_visible_to

# Providers a page of the programme lists, soonest due first (as many as the other lists' pages).
PROGRAMME_LIMIT = 25
MAX_PAGE = 100_000
MAX_SEARCH = 100
# The visits of each state (in progress, returned, awaiting sign-off) the programme lists.
VISITS_SHOWN = 10


def search_words(args):
    """The school or provider name searched for, spaces tidied, at most MAX_SEARCH characters."""
    return " ".join(args.get("q", "").split())[:MAX_SEARCH]


def page_number(args, name):
    """A page number from the query string: 1 when missing or out of range."""
    return min(max(args.get(name, 1, type=int) or 1, 1), MAX_PAGE)


class ListPagination(Pagination):
    """One page of a list already in memory (the schools of the programme, whose order
    depends on rules worked out in Python)."""

    def _query_items(self):
        rows = self._query_args["rows"]
        return rows[self._query_offset : self._query_offset + self.per_page]

    def _query_count(self):
        return len(self._query_args["rows"])


def providers_due(user, words="", page=1):
    """One page of the user's providers (an officer's own) by next visit due, never-visited
    and overdue first, their names containing `words` (two queries): rows of what the
    programme shows of each (its name, borough, next visit due, rating and officer's name)."""
    return PreparedPagination(
        query=_providers_due(viewer(user), words),
        rows=True,
        page=page,
        per_page=PROGRAMME_LIMIT,
        max_per_page=PROGRAMME_LIMIT,
        error_out=False,
    )


@built_once
def _providers_due(user, words):
    query = (
        select(
            Provider.id,
            Provider.name,
            Provider.borough,
            Provider.next_visit_due,
            Provider.rating_rag,
            User.name.label("officer_name"),
        )
        .outerjoin(User, User.id == Provider.officer_id)
        .where(providers_of(user))
        .order_by(nulls_first(Provider.next_visit_due.asc()), Provider.name, Provider.id)
    )
    return query.where(Provider.name.icontains(words, autoescape=True)) if words else query


# What the programme shows of a visit and needs to continue it: not its notes, ratings and
# answers (JSON read for every row).
LISTED = load_only(
    Visit.id,
    Visit.uuid,
    Visit.provider_id,
    Visit.school_id,
    Visit.officer_id,
    Visit.visit_date,
    Visit.status,
    Visit.overall_rag,
    raiseload=True,
)


def open_visits(user):
    """Visits not yet signed off (an officer's own; all of them for the Head of Access): the
    newest VISITS_SHOWN of each state, as rows of what the programme shows of each (who was
    visited, when, by whom), and how many there are of each (one query: each row carries
    its state's count, and a state with no row has none)."""
    visits = db.session.execute(_open_visits(viewer(user)), {"shown": VISITS_SHOWN}).all()
    return visits, {visit.status: visit.of_state for visit in visits}


@built_once
def _open_visits(user):
    visible = and_(Visit.status.in_(("draft", "returned", "submitted")), visits_visible_to(user))
    ranked = (
        select(
            Visit.id,
            func.row_number()
            .over(partition_by=Visit.status, order_by=(Visit.visit_date.desc(), Visit.id.desc()))
            .label("n"),
            func.count().over(partition_by=Visit.status).label("of_state"),
        )
        .where(visible)
        .subquery()
    )
    officer = aliased(User)
    listed = (
        select(
            Visit.uuid,
            Visit.status,
            Visit.visit_date,
            Visit.overall_rag,
            Visit.school_id,
            func.coalesce(School.name, Provider.name).label("visited_name"),
            officer.name.label("officer_name"),
            ranked.c.of_state,
        )
        .join(ranked, ranked.c.id == Visit.id)
        .outerjoin(Provider, Provider.id == Visit.provider_id)
        .outerjoin(School, School.id == Visit.school_id)
        .outerjoin(officer, officer.id == Visit.officer_id)
        .where(ranked.c.n <= bindparam("shown"))
        .order_by(Visit.visit_date.desc(), Visit.id.desc())
    )
    return listed


def own_editable_visits(user):
    """The user's own open visits (draft or returned), to continue from the programme's rows."""
    return db.session.scalars(_own_editable_visits(viewer(user))).all()


@built_once
def _own_editable_visits(user):
    return (
        select(Visit)
        .options(LISTED)
        .where(Visit.officer_id == user.id, Visit.status.in_(EDITABLE_VISIT_STATES), visits_visible_to(user))
    )


def own_open_visits(visits, user):
    """{provider id: the user's own newest open visit there (draft or returned)}, from visits
    already loaded."""
    mine = [
        v
        for v in visits
        if v.officer_id == user.id and v.status in EDITABLE_VISIT_STATES and v.provider_id is not None
    ]
    return {v.provider_id: v for v in sorted(mine, key=lambda v: (v.visit_date, v.id))}


def own_open_school_visits(visits, user):
    """{school id: the user's own newest open visit there (draft or returned)}, from visits
    already loaded."""
    mine = [
        v
        for v in visits
        if v.officer_id == user.id and v.status in EDITABLE_VISIT_STATES and v.school_id is not None
    ]
    return {v.school_id: v for v in sorted(mine, key=lambda v: (v.visit_date, v.id))}


def own_visits(user):
    """The user's own drafts, returned and submitted visits, newest first."""
    return db.session.scalars(
        select(Visit)
        .options(joinedload(Visit.provider), joinedload(Visit.school))
        .where(Visit.officer_id == user.id, visits_visible_to(user))
        .where(Visit.status.in_((*EDITABLE_VISIT_STATES, "submitted")))
        .order_by(Visit.visit_date.desc(), Visit.created_at.desc(), Visit.id.desc())
    ).all()


def recently_signed_off(user, days=30):
    """The user's own visits signed off in the last `days` days, latest first."""
    since = utcnow() - timedelta(days=days)
    return db.session.scalars(
        select(Visit)
        .options(joinedload(Visit.provider), joinedload(Visit.school), joinedload(Visit.signed_off_by))
        .where(Visit.officer_id == user.id, Visit.status == "signed_off", Visit.signed_off_at >= since)
        .order_by(Visit.signed_off_at.desc(), Visit.id.desc())
    ).all()


@bp.route("/visits")
@login_required
def mine():
    """Your visits: your drafts, returned and submitted visits, newest first, each linked,
    and those signed off in the last 30 days."""
    authorize("visit.start")
    return render_template(
        "visits/mine.html", visits=own_visits(current_user), signed_off=recently_signed_off(current_user)
    )


@bp.route("/programme")
@login_required
def programme():
    """My visits (officer) or the whole programme (Head of Access): due, overdue, drafts,
    returned; the providers and schools searchable by name, a page of each at a time."""
    authorize("visit.view")
    today = date.today()
    words = search_words(request.args)
    providers = providers_due(current_user, words, page_number(request.args, "page"))
    visits, visit_counts = open_visits(current_user)
    own = own_editable_visits(current_user)
    schools = ListPagination(
        page=page_number(request.args, "schools_page"),
        per_page=SCHOOLS_LIMIT,
        error_out=False,
        rows=schools_due(current_user, today, words),
    )
    return render_template(
        "visits/programme.html",
        own_programme=not sees_everything(current_user),
        q=words,
        providers=providers,
        overdue=[p for p in providers.items if p.next_visit_due is None or p.next_visit_due < today],
        upcoming=[p for p in providers.items if p.next_visit_due is not None and p.next_visit_due >= today],
        today=today,
        drafts=[v for v in visits if v.status == "draft"],
        returned=[v for v in visits if v.status == "returned"],
        submitted=[v for v in visits if v.status == "submitted"],
        visit_counts=visit_counts,
        continuing=own_open_visits(own, current_user),
        schools=schools,
        continuing_schools=own_open_school_visits(own, current_user),
        self_assessments=open_requests([p.id for p in providers.items]),
        offer_self_assessment_by=today + OFFER_WITHIN,
    )


@bp.route("/actions")
@login_required
def overdue_actions():
    """Open actions past their due date, of providers and of schools: an officer's providers
    and schools, or all for the Head of Access."""
    authorize("visit.view")
    today = date.today()
    query = (
        select(Action)
        .join(Visit, Action.visit_id == Visit.id)
        .outerjoin(Provider, Action.provider_id == Provider.id)
        .outerjoin(School, Action.school_id == School.id)
        .options(
            joinedload(Action.visit).joinedload(Visit.provider),
            joinedload(Action.visit).joinedload(Visit.school),
        )
        .where(Action.open_from_signed_off(), Action.due < today)
        .where(actions_visible_to(current_user))
        .order_by(Action.due, func.coalesce(Provider.name, School.name))
    )
    return render_template(
        "visits/overdue_actions.html",
        actions=db.session.scalars(query).all(),
        today=today,
        own_only=not sees_everything(current_user),
    )
