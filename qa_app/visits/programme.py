"""The visit programme (which providers and schools are due a visit), the officer's own
visits, their open visit to each provider and school, and the list of overdue actions."""

from datetime import date

from flask import render_template
from flask_login import current_user, login_required
from sqlalchemy import func, nulls_first, select
from sqlalchemy.orm import joinedload

from qa_app.auth.models import School
from qa_app.auth.permissions import (
    EDITABLE_VISIT_STATES,
    actions_visible_to,
    authorize,
    providers_of,
    visits_visible_to,
)
from qa_app.extensions import db
from qa_app.providers.models import Provider
from qa_app.visits import bp
from qa_app.visits.models import Action, Visit
from qa_app.visits.school_programme import schools_due

PROGRAMME_LIMIT = 100


def providers_due(user):
    """The first providers by next visit due, never-visited and overdue first (an officer's
    own), and how many there are in all."""
    query = select(Provider).where(providers_of(user))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.options(joinedload(Provider.officer))
        .order_by(nulls_first(Provider.next_visit_due.asc()), Provider.name)
        .limit(PROGRAMME_LIMIT)
    ).all()
    return rows, total


def open_visits(user):
    """Visits not yet signed off: an officer's own; all of them for the Head of Access."""
    query = (
        select(Visit)
        .options(joinedload(Visit.provider), joinedload(Visit.school), joinedload(Visit.officer))
        .where(Visit.status.in_(("draft", "returned", "submitted")))
        .where(visits_visible_to(user))
        .order_by(Visit.visit_date.desc())
    )
    return db.session.scalars(query).all()


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


def open_visit_to(user, provider_id):
    """The user's own open visit (draft or returned) to this provider, newest, or None: one query."""
    return db.session.scalar(
        select(Visit)
        .where(
            Visit.provider_id == provider_id,
            Visit.officer_id == user.id,
            Visit.status.in_(EDITABLE_VISIT_STATES),
            visits_visible_to(user),
        )
        .order_by(Visit.visit_date.desc(), Visit.id.desc())
        .limit(1)
    )


def own_visits(user):
    """The user's own drafts, returned and submitted visits, newest first."""
    return db.session.scalars(
        select(Visit)
        .options(joinedload(Visit.provider), joinedload(Visit.school))
        .where(Visit.officer_id == user.id, visits_visible_to(user))
        .where(Visit.status.in_((*EDITABLE_VISIT_STATES, "submitted")))
        .order_by(Visit.visit_date.desc(), Visit.created_at.desc(), Visit.id.desc())
    ).all()


@bp.route("/visits")
@login_required
def mine():
    """Your visits: your drafts, returned and submitted visits, newest first, each linked."""
    authorize("visit.start")
    return render_template("visits/mine.html", visits=own_visits(current_user))


@bp.route("/programme")
@login_required
def programme():
    """My visits (officer) or the whole programme (Head of Access): due, overdue, drafts, returned."""
    authorize("visit.view")
    today = date.today()
    providers, total = providers_due(current_user)
    overdue = [p for p in providers if p.next_visit_due is None or p.next_visit_due < today]
    upcoming = [p for p in providers if p.next_visit_due is not None and p.next_visit_due >= today]
    visits = open_visits(current_user)
    schools, schools_total = schools_due(current_user, today)
    return render_template(
        "visits/programme.html",
        overdue=overdue,
        upcoming=upcoming,
        today=today,
        total=total,
        shown=len(providers),
        drafts=[v for v in visits if v.status == "draft"],
        returned=[v for v in visits if v.status == "returned"],
        submitted=[v for v in visits if v.status == "submitted"],
        continuing=own_open_visits(visits, current_user),
        schools=schools,
        schools_total=schools_total,
        continuing_schools=own_open_school_visits(visits, current_user),
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
        .where(Action.status == "open", Action.due < today, Visit.status == "signed_off")
        .where(actions_visible_to(current_user))
        .order_by(Action.due, func.coalesce(Provider.name, School.name))
    )
    return render_template(
        "visits/overdue_actions.html", actions=db.session.scalars(query).all(), today=today
    )
