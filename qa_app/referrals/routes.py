"""The referral pages: a school's referrals and its form (with what the referral still
needs), the panel's queue, one referral with its history, and the panel's decision.
Every page writes through referrals.services."""

import uuid as uuid_module

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from qa_app.audit.reads import audited
from qa_app.auth.permissions import authorize, can
from qa_app.domain import Forbidden, Invalid, Locked, NotFound, valid_uuid
from qa_app.extensions import db
from qa_app.forms import carry_version, changed_since_read, record_version, show_errors
from qa_app.providers.models import Provider
from qa_app.referrals import bp
from qa_app.referrals.forms import DecisionForm, ReferralForm
from qa_app.referrals.lists import queue_counts, referral_page, search_words
from qa_app.referrals.models import CAF_STATES, EP_ASSESSMENTS, EVENTS, OUTCOMES, REQUESTS, STATUSES
from qa_app.referrals.rules import CHANGE_FIELDS, Decision, ReferralChange, missing_items
from qa_app.referrals.scopes import may_decide_referral
from qa_app.referrals.services import decide, find_referral, referral_made_by_form, save_referral

LABELS = {
    "statuses": STATUSES,
    "outcomes": OUTCOMES,
    "requests": REQUESTS,
    "ep_assessments": EP_ASSESSMENTS,
    "caf_states": CAF_STATES,
    "events": EVENTS,
}


# The change's text fields: a blank one is "", never None.
TEXT_FIELDS = tuple(
    name for name, field in ReferralChange.__dataclass_fields__.items() if isinstance(field.default, str)
)


def _load(referral_id, lock=False):
    """The referral, if the current user may see it (404 otherwise)."""
    try:
        return find_referral(current_user, referral_id, lock)
    except NotFound:
        abort(404)


def _change(form):
    """The form as a ReferralChange (the checklist reads it even while a field is wrong)."""
    values = {name: form[name].data for name in CHANGE_FIELDS}
    for name in ("pupil_ref", *TEXT_FIELDS):
        values[name] = values[name] or ""
    return ReferralChange(**values)


@bp.route("/referrals")
@login_required
@audited("view", "referral_list")
def index():
    """A school's referrals with their decisions; for the panel, the queue (urgent first, then
    the longest waiting) and the referrals it has dealt with: a page of each, searchable."""
    authorize("referral.view")
    panel = can(current_user, "referral.decide")
    words = search_words(request.args)
    page = request.args.get("page", 1, type=int)
    return render_template(
        "referrals/index.html",
        panel=panel,
        q=words,
        counts=queue_counts(current_user, words) if panel else None,
        queue=referral_page(current_user, words, request.args.get("queue_page", 1, type=int), True)
        if panel
        else None,
        others=referral_page(current_user, words, page, False if panel else None),
        **LABELS,
    )


def _save(form, referral):
    """Save the form's referral: where to go next, or None when the form shows its errors."""
    if referral is not None and changed_since_read(form, record_version(referral), "This referral"):
        return redirect(url_for("referrals.edit", referral_id=referral.id))
    send = bool(form.send.data)
    form_uuid = valid_uuid(form.uuid.data) if referral is None else None
    made = referral_made_by_form(form_uuid)
    if made is not None:  # the same new-referral form sent again: never a second referral
        return _made_already(made)
    try:
        referral = save_referral(current_user, referral, _change(form), send=send, referral_uuid=form_uuid)
        db.session.commit()
    except IntegrityError:  # the same form sent twice at the same moment: the first made it
        db.session.rollback()
        made = referral_made_by_form(form_uuid)
        if made is None:
            raise
        return _made_already(made)
    except Invalid as problem:
        db.session.rollback()
        show_errors(form, problem.fields)
        return None
    except Locked as problem:
        db.session.rollback()
        flash(problem.message, "error")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    if send:
        flash(f"The referral of {referral.pupil_ref} has been sent to the Gateway panel.")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    flash("Draft saved. Send it to the Gateway panel when it is ready.")
    return redirect(url_for("referrals.edit", referral_id=referral.id))


def _made_already(made):
    flash(f"The referral of {made.pupil_ref} was already saved from this form: nothing was saved twice.")
    return redirect(url_for("referrals.show", referral_id=made.id))


def _form_page(form, referral):
    """Save (and send, with the second button) through save_referral; the form again with
    its errors and checklist otherwise."""
    if referral is None and not form.uuid.data:
        form.uuid.data = str(uuid_module.uuid4())
    if form.validate_on_submit():
        saved = _save(form, referral)
        if saved is not None:
            return saved
    missing = missing_items(_change(form))
    complex_needs = form.ehc_plan.data
    return render_template(
        "referrals/form.html",
        form=form,
        referral=referral,
        missing=missing,
        complex_needs=complex_needs,
        spoc=current_app.config["COMPLEX_NEEDS_SPOC"],
        **LABELS,
    ), 400 if form.errors else 200


@bp.route("/referrals/new", methods=["GET", "POST"])
@login_required
def new():
    """Start a referral: the form, with what a good referral still needs."""
    authorize("referral.make")
    return _form_page(ReferralForm(), None)


@bp.route("/referrals/checklist", methods=["POST"])
@login_required
def checklist():
    """What the referral form, as it is filled in now, still needs (for the page's script to
    show as the school types); the same rules as on save. Nothing is stored."""
    authorize("referral.make")
    form = ReferralForm()
    missing = missing_items(_change(form))
    return jsonify(missing=[{"field": field, "message": message} for field, message in missing])


@bp.route("/referrals/<int:referral_id>/edit", methods=["GET", "POST"])
@login_required
@audited("view", "referral", "referral_id")
def edit(referral_id):
    """Change a draft, or a referral the panel returned for more information, and send it."""
    authorize("referral.make")
    referral = _load(referral_id, lock=request.method == "POST")
    if not referral.editable:
        flash("This referral is with the Gateway panel or decided: it can no longer be changed.")
        return redirect(url_for("referrals.show", referral_id=referral.id))
    form = ReferralForm(obj=referral)
    carry_version(form, record_version(referral))
    return _form_page(form, referral)


def _provider_choices():
    """(id, name and borough) of every provider on the register, by name."""
    rows = db.session.execute(
        select(Provider.id, Provider.name, Provider.borough).order_by(Provider.name)
    ).all()
    return [("", "Choose a provider"), *((str(row.id), f"{row.name} ({row.borough})") for row in rows)]


def _show(referral, form=None):
    """The referral page, with the decision form for the panel while it is waiting."""
    deciding = referral.status == "sent" and may_decide_referral(current_user, referral)
    if deciding and form is None:
        form = DecisionForm()
    if form is not None:
        form.provider_id.choices = _provider_choices()
        carry_version(form, record_version(referral))
    placement_uuid = referral.placement.uuid if referral.placement_id else None
    return render_template(
        "referrals/show.html",
        referral=referral,
        missing=missing_items(referral),
        form=form if deciding else None,
        panel=can(current_user, "referral.decide"),
        placement_uuid=placement_uuid,
        **LABELS,
    ), 400 if form is not None and form.errors else 200


@bp.route("/referrals/<int:referral_id>")
@login_required
@audited("view", "referral", "referral_id")
def show(referral_id):
    """The referral, the panel's decision and reason, and its history."""
    authorize("referral.view")
    return _show(_load(referral_id))


def _decision(form):
    """The decision form as a Decision."""
    hours = form.hours_per_week.data
    return Decision(
        outcome=form.outcome.data,
        decision_reason=form.decision_reason.data or "",
        information_needed=form.information_needed.data or "",
        signposted_to=form.signposted_to.data or "",
        provider_id=form.provider_id.data,
        start_date=form.start_date.data,
        planned_end_date=form.planned_end_date.data,
        days_per_week=form.days_per_week.data,
        hours_per_week=float(hours) if hours is not None else None,
    )


@bp.route("/referrals/<int:referral_id>/decision", methods=["POST"])
@login_required
def decision(referral_id):
    """Record the panel's decision; a place becomes a placement the school then sees."""
    authorize("referral.decide")
    referral = _load(referral_id, lock=True)
    form = DecisionForm()
    form.provider_id.choices = _provider_choices()
    if form.validate_on_submit():
        if changed_since_read(form, record_version(referral), "This referral"):
            return redirect(url_for("referrals.show", referral_id=referral_id))
        try:
            decide(current_user, referral, _decision(form))
            db.session.commit()
        except Invalid as problem:
            db.session.rollback()
            show_errors(form, problem.fields)
        except (Forbidden, Locked) as problem:
            db.session.rollback()
            flash(problem.message, "error")
            return redirect(url_for("referrals.show", referral_id=referral_id))
        else:
            flash(f"Decision recorded: {OUTCOMES[referral.outcome].lower()}.")
            return redirect(url_for("referrals.show", referral_id=referral_id))
        referral = _load(referral_id)
    return _show(referral, form)
