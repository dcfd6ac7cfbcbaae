"""Escalations: report a concern, the Head of Access's queue and decisions, suspension."""

from datetime import date, datetime
from typing import NamedTuple

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from qa_app.audit.reads import audited, record_read, views_of
from qa_app.auth.permissions import authorize, may_see_provider, sees_everything
from qa_app.bad_input import database_id
from qa_app.domain import Conflict, Invalid, NotFound
from qa_app.escalations import bp, raising, services
from qa_app.escalations.forms import ConcernForm, SuspensionForm, TransitionForm
from qa_app.escalations.models import STATES, TRANSITIONS, Escalation, EscalationEvent, reference_of
from qa_app.escalations.scopes import may_see_receipt
from qa_app.extensions import db
from qa_app.forms import show_errors
from qa_app.providers.models import Provider
from qa_app.providers.services import normalise_postcode
from qa_app.statements import PreparedPagination, built_once, viewer
from qa_app.visits.services import visible_visit

PAGE_SIZE = 25
MAX_PAGE = 100_000


def load(escalation_id):
    """The escalation if the current user may see it (404 otherwise)."""
    authorize("escalation.view")
    try:
        return services.visible_escalation(current_user, escalation_id)
    except NotFound:
        abort(404)


@bp.route("/escalations")
@login_required
@audited("view", "escalation_list")
def index():
    """Escalations with state, age and source: overdue reviews first, then the newest; a page
    at a time, searchable by provider, address or postcode."""
    authorize("escalation.view")
    today = date.today()
    state = request.args.get("state", "open")
    words = " ".join(request.args.get("q", "").split())[:100]
    shown = state if state == "open" or state in STATES else "all"
    ids, rows = _list_statements(viewer(current_user), shown, words)
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    # The page's ids first, sorted on the order's columns alone (sorting whole rows, each with
    # its description, cost four times as much with a thousand open), then those rows.
    escalations = PreparedPagination(
        query=ids, page=page, per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False
    )
    by_id = {
        row.id: ListedEscalation(*row)
        for row in db.session.execute(rows, {"ids": escalations.items, "today": today})
    }
    escalations.items = [by_id[escalation_id] for escalation_id in escalations.items]
    return render_template(
        "escalations/index.html",
        escalations=escalations,
        state=state,
        q=words,
        today=today,
        own_only=not sees_everything(current_user),
    )


@built_once
def _list_statements(user, state, words):
    """The list's ids in order (overdue reviews first, then the newest) and its rows by id
    (`state`: "open", one of STATES or "all")."""
    query = services.visible_query(user).with_only_columns(Escalation.id)
    if state == "open":
        query = query.where(Escalation.state != "closed")
    elif state in STATES:
        query = query.where(Escalation.state == state)
    if words:
        query = query.where(_matching(words))
    overdue_first = case((Escalation.state == "raised", Escalation.review_due), else_=None)
    ids = query.order_by(overdue_first.is_(None), overdue_first, Escalation.created_at.desc(), Escalation.id)
    rows = (
        select(
            Escalation.id,
            func.coalesce(Provider.name, Escalation.address),
            Escalation.state,
            Escalation.is_overdue(bindparam("today", type_=db.Date)),
            Escalation.created_at,
            Escalation.source,
            Escalation.test_result["result"].as_string(),
        )
        .outerjoin(Provider, Provider.id == Escalation.provider_id)
        .where(Escalation.id.in_(bindparam("ids", expanding=True)))
    )
    return ids, rows


class ListedEscalation(NamedTuple):
    """What a row of the list shows, read as columns: whole escalations carried their test
    results (kilobytes each) to show one word of them."""

    id: int
    provider_or_address: str
    state: str
    overdue: bool
    created_at: datetime
    source: str
    test_result: str | None  # its result: likely, borderline or not indicated

    @property
    def reference(self):
        return reference_of(self.id)


def _matching(words):
    """SQL: the escalation's provider, address or postcode holds the words."""
    return or_(
        Escalation.provider_id.in_(
            select(Provider.id).where(Provider.name.icontains(words, autoescape=True))
        ),
        Escalation.address.icontains(words, autoescape=True),
        Escalation.postcode.icontains(words.replace(" ", ""), autoescape=True),
    )


def _concern(form, provider, visit):
    """What the concern form says, as report_concern takes it."""
    return {
        "provider_id": provider.id if provider else None,
        "visit": visit,
        "address": form.address.data,
        "postcode": normalise_postcode(form.postcode.data) or "",
        "description": form.description.data,
        "how_known": form.how_known.data,
        "estimated_pupils": form.estimated_pupils.data,
        "estimated_hours": float(form.estimated_hours.data)
        if form.estimated_hours.data is not None
        else None,
        "dates_seen": form.dates_seen.data,
    }


def _report(form, visit, provider):
    """Report the concern on the form, committed: (escalation, True when it was added to an
    escalation already open about the visit or the provider)."""
    before = raising.escalation_of_visit(visit)
    open_one = raising.open_escalation_of(provider.id if provider else None)
    known = {e.id for e in (before, open_one) if e is not None and e.is_open}
    escalation = raising.report_concern(current_user, _concern(form, provider, visit))
    db.session.commit()
    return escalation, escalation.id in known


@bp.route("/escalations/report", methods=["GET", "POST"])
@login_required
def report():
    """Report premises that appear to be operating as a school (anyone signed in)."""
    # A link from a provider or a visit fills the hidden fields from the query string.
    form = ConcernForm(request.args) if request.method == "GET" else ConcernForm()
    provider_id = database_id(form.provider_id.data)
    provider = db.session.get(Provider, provider_id) if provider_id else None
    if provider is not None and not may_see_provider(current_user, provider.id):
        # Provider staff see their own provider only: another is not named to them.
        provider, form.provider_id.data = None, None
    if request.method == "GET" and provider is not None:
        form.address.data = f"{provider.address}, {provider.postcode}"
    if form.validate_on_submit():
        visit = None
        if form.visit_uuid.data:
            try:
                visit = visible_visit(current_user, form.visit_uuid.data)
            except NotFound:
                abort(404)
        try:
            escalation, added = _report(form, visit, provider)
        except IntegrityError:  # a report about the same visit or provider got there first: add to it
            db.session.rollback()
            escalation, added = _report(form, visit, provider)
        if added and visit is not None and escalation.visit_id == visit.id:
            flash(
                f"Your report is added to {escalation.reference}, the escalation already raised from this visit."
            )
            return redirect(url_for("visits.show", visit_uuid=visit.uuid))
        if added:
            flash(
                f"Your report is added to {escalation.reference}, the open escalation about {provider.name}."
            )
            if visit is not None:
                return redirect(url_for("visits.show", visit_uuid=visit.uuid))
        return redirect(url_for("escalations.received", escalation_id=escalation.id))
    return render_template(
        "escalations/report.html", form=form, provider=provider
    ), 400 if form.errors else 200


@bp.route("/escalations/<int:escalation_id>/received")
@login_required
def received(escalation_id):
    """What the person who reported a concern sees: only that it was received."""
    escalation = db.session.get(Escalation, escalation_id)
    if escalation is None or not may_see_receipt(current_user, escalation):
        abort(404)
    return render_template("escalations/received.html", escalation=escalation)


@bp.route("/escalations/<int:escalation_id>")
@login_required
@audited("view", "escalation", "escalation_id")
def show(escalation_id):
    """An escalation: the concern, the evidence, the decisions with reasons, the audit trail."""
    escalation = load(escalation_id)
    # Logged before the history is read, so that the page counts this view among its views.
    record_read(current_user, "view", "escalation", escalation.id)
    db.session.commit()
    events = _history(escalation)
    form = TransitionForm(from_state=escalation.state)
    form.to_state.choices = [(s, STATES[s]) for s in TRANSITIONS[escalation.state]]
    return render_template(
        "escalations/show.html",
        escalation=escalation,
        events=events,
        form=form,
        suspension=SuspensionForm(prefix="suspension"),
        today=date.today(),
    )


@bp.route("/escalations/<int:escalation_id>/transition", methods=["POST"])
@login_required
def transition(escalation_id):
    """Record the Head of Access's next step and its reason."""
    authorize("escalation.decide")
    escalation = load(escalation_id)
    form = TransitionForm()
    chosen_in = form.from_state.data if form.from_state.data in TRANSITIONS else escalation.state
    form.to_state.choices = [(s, STATES[s]) for s in TRANSITIONS[chosen_in]]
    if form.validate_on_submit():
        try:
            services.transition(
                current_user,
                escalation,
                form.to_state.data,
                form.reason.data,
                review_date=form.review_date.data,
                ofsted_date=form.ofsted_date.data,
                ofsted_reference=form.ofsted_reference.data or "",
                outcome=form.outcome.data or "",
                from_state=chosen_in,
            )
        except Conflict as problem:
            db.session.rollback()
            flash(str(problem), "info")
            return redirect(url_for("escalations.show", escalation_id=escalation.id))
        except Invalid as problem:
            db.session.rollback()
            show_errors(form, problem.fields)
        else:
            db.session.commit()
            flash(f"{escalation.reference} is now: {STATES[escalation.state]}.")
            return redirect(url_for("escalations.show", escalation_id=escalation.id))
    return _refused_step(escalation, form)


def _history(escalation):
    """The escalation's audit trail, newest first, with who did each step: its changes, and
    its views from the read log (two queries)."""
    changes = db.session.scalars(
        select(EscalationEvent)
        .options(joinedload(EscalationEvent.user))
        .where(EscalationEvent.escalation_id == escalation.id)
        .order_by(EscalationEvent.at.desc(), EscalationEvent.id.desc())
    ).all()
    return sorted(changes + views_of("escalation", escalation.id), key=lambda event: event.at, reverse=True)


def _refused_step(escalation, form):
    """The escalation page again, with the step's form and its errors (400)."""
    return render_template(
        "escalations/show.html",
        escalation=escalation,
        events=_history(escalation),
        form=form,
        suspension=SuspensionForm(formdata=None, prefix="suspension"),
        today=date.today(),
    ), 400


@bp.route("/escalations/<int:escalation_id>/suspension", methods=["POST"])
@login_required
def suspension(escalation_id):
    """Suspend the provider on the register while the escalation is open, or lift it."""
    authorize("escalation.decide")
    escalation = load(escalation_id)
    form = SuspensionForm(prefix="suspension")
    action = request.form.get("action")
    if action not in ("suspend", "lift"):
        abort(400)
    try:
        if not form.validate_on_submit():
            raise Invalid({"reason": "Record the reason"})
        change = services.suspend_provider if action == "suspend" else services.lift_suspension
        change(current_user, escalation, form.reason.data)
    except Invalid as problem:
        db.session.rollback()
        flash(problem.message, "error")
    else:
        db.session.commit()
        flash(
            "The provider is suspended on the register."
            if action == "suspend"
            else "The suspension is lifted."
        )
    return redirect(url_for("escalations.show", escalation_id=escalation.id))
