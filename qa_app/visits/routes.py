"""The visit form: task list, each section and check answers (starting a visit is in
visits/starting.py, its pages in qa_app/pages/visit_start.py).

Each page builds a typed VisitChange from its form and saves it through
visits.saving.save_visit, the function the sync API calls, so both obey the same rules.
Submitting is in the submission package, which also raises any escalation.
"""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from qa_app.audit.reads import audited
from qa_app.auth.permissions import can
from qa_app.extensions import db
from qa_app.forms import VersionedForm, show_errors
from qa_app.schemas import read
from qa_app.visits import bp, services
from qa_app.visits.accuracy import may_correct, sign_off_blocker
from qa_app.visits.action_answers import answer_lines, latest_answers
from qa_app.visits.forms import (
    DetailsForm,
    ReturnForm,
    SignOffForm,
    StrengthsForm,
    action_form,
    outcomes_form,
)
from qa_app.visits.models import PLACEMENT_CHECKS, VisitConflict, VisitEvent
from qa_app.visits.pages import editable, load, offer_visit_form, save, section
from qa_app.visits.progress import task_list
from qa_app.visits.schemas import ActionItem, VisitChange
from qa_app.visits.school_placements import as_shown, placements_to_check
from qa_app.visits.scopes import can_edit_visit, may_sign_off
from qa_app.visits.starting import DETAILS_FIELDS, details_change


def _history(visit):
    return db.session.scalars(
        db.select(VisitEvent)
        .options(db.joinedload(VisitEvent.user))
        .where(VisitEvent.visit_id == visit.id)
        .order_by(VisitEvent.at.desc(), VisitEvent.id.desc())
    ).all()


def _my_open_conflicts(visit):
    return db.session.scalars(
        db.select(VisitConflict).where(
            VisitConflict.visit_id == visit.id,
            VisitConflict.resolved_at.is_(None),
            VisitConflict.user_id == current_user.id,
        )
    ).all()


@bp.route("/visits/<visit_uuid>")
@login_required
@audited("view", "visit", "visit_uuid")
def show(visit_uuid, return_form=None, confirm=None):
    """The visit: its task list for its officer, the full record for everyone allowed.

    The review's routes pass back a decision form with its errors, shown beside its field."""
    visit = load(visit_uuid, school_staff=True)
    offer_visit_form(visit)
    previous = services.previous_open_actions(visit.provider_id, visit.id, school_id=visit.school_id)
    placements = placements_to_check(visit)
    return render_template(
        "visits/show.html",
        visit=visit,
        tasks=task_list(visit, previous, placements),
        placements=as_shown(placements),
        placement_checks=PLACEMENT_CHECKS,
        events=_history(visit),
        conflicts=_my_open_conflicts(visit),
        previous=previous,
        blockers=services.submission_blockers(visit),
        shown=services.shown_ratings(visit)["themes"],
        can_edit=can_edit_visit(current_user, visit),
        is_own=visit.officer_id == current_user.id,
        # School staff read the visit as its report's provider edition has it: no history.
        internal=can(current_user, "visit.view"),
        may_sign_off=visit.status == "submitted" and may_sign_off(current_user, visit),
        # The Head of Access reads a submitted visit from her queue, and goes back to it
        # once she has signed it off or returned it.
        back_to_queue=can(current_user, "visit.sign_off")
        and (visit.status == "submitted" or request.args.get("back") == "sign-off"),
        # The draft shared with the provider: who answers its comments, and what it holds back.
        may_share_draft=visit.status in ("submitted", "signed_off") and may_correct(current_user, visit),
        accuracy_blocker=sign_off_blocker(visit, date.today()) if visit.status == "submitted" else None,
        return_form=return_form or ReturnForm(),
        confirm=confirm or SignOffForm(version=visit.version),
        form=next((f for f in (return_form, confirm) if f is not None and f.errors), None),
    )


@bp.route("/visits/<visit_uuid>/details", methods=["GET", "POST"])
@login_required
def details(visit_uuid):
    """Change the date, type, people met and pupils seen."""
    visit = editable(visit_uuid)
    form = DetailsForm(obj=visit) if request.method == "GET" else DetailsForm()
    form.version.data = form.version.data or visit.version
    paths = {**DETAILS_FIELDS, "visit_type": "visit_type", "people_met": "people_met"}
    return section(
        visit,
        form,
        "visits/details.html",
        lambda skip: details_change(form, skip),
        lambda skip: paths,
        url_for("visits.show", visit_uuid=visit.uuid),
    )


def strengths_change(form, skip=frozenset()):
    """The change the strengths page makes: strengths and pupil voice (but those in `skip`)."""
    return VisitChange(
        **{name: form[name].data or "" for name in ("strengths", "pupil_voice") if name not in skip}
    )


@bp.route("/visits/<visit_uuid>/strengths", methods=["GET", "POST"])
@login_required
def strengths(visit_uuid):
    """Record strengths and pupil voice."""
    visit = editable(visit_uuid)
    form = StrengthsForm(obj=visit) if request.method == "GET" else StrengthsForm()
    form.version.data = form.version.data or visit.version
    return section(
        visit,
        form,
        "visits/strengths.html",
        lambda skip: strengths_change(form, skip),
        lambda skip: {"strengths": "strengths", "pupil_voice": "pupil_voice"},
        url_for("visits.show", visit_uuid=visit.uuid),
    )


def current_actions(visit):
    """The visit's actions as the items a change carries, in their order."""
    ordered = sorted(visit.actions, key=lambda a: a.position)
    return [ActionItem(description=a.description, owner=a.owner, due=a.due) for a in ordered]


@bp.route("/visits/<visit_uuid>/actions", methods=["GET", "POST"])
@login_required
def actions(visit_uuid):
    """List the visit's actions and add one."""
    visit = editable(visit_uuid)
    form = action_form(visit, version=visit.version)
    if form.validate_on_submit():
        items = current_actions(visit)
        new = {"description": form.description.data, "owner": form.owner.data, "due": form.due.data}
        errors = save(
            visit,
            form,
            lambda: VisitChange(actions=[*items, read(ActionItem, new, prefix=f"actions[{len(items)}]")]),
        )
        if errors is None:
            flash("Action added.")
            return redirect(url_for("visits.actions", visit_uuid=visit.uuid))
        show_errors(form, errors, {f"actions[{len(items)}].description": "description", "actions": "due"})
    remove = VersionedForm(version=visit.version)
    return render_template("visits/actions.html", form=form, visit=visit, remove=remove), (
        400 if form.errors else 200
    )


@bp.route("/visits/<visit_uuid>/actions/<int:index>/remove", methods=["POST"])
@login_required
def remove_action(visit_uuid, index):
    """Remove one of the visit's actions."""
    visit = editable(visit_uuid)
    form = VersionedForm()
    items = current_actions(visit)
    if not form.validate_on_submit() or not 0 <= index < len(items):
        abort(400)
    errors = save(visit, form, lambda: VisitChange(actions=items[:index] + items[index + 1 :]))
    for message in (errors or {}).values():
        flash(message, "error")
    if errors is None:
        flash("Action removed.")
    return redirect(url_for("visits.actions", visit_uuid=visit.uuid))


def outcomes_change(form, previous, skip=frozenset()):
    """The change the previous actions page makes: each action marked done or not done
    (one in `skip` keeps what was saved for it)."""
    outcomes, notes = {}, {}
    for action in previous:
        name, key = f"outcome_{action.id}", str(action.id)
        value = form.stored_outcomes.get(key) if name in skip else form[name].data
        if value:
            outcomes[key] = value
        note_name = f"note_{action.id}"
        note = form.stored_notes.get(key) if note_name in skip else (form[note_name].data or "").strip()
        if note:
            notes[key] = note
    return VisitChange(action_outcomes=outcomes, action_notes=notes)


def _answer_lines(previous):
    """{action id: what the page says of the provider's answer to it}."""
    answers = latest_answers([a.id for a in previous])
    return {a.id: answer_lines(answers.get(a.id), a.owner) for a in previous if a.provider_id}


@bp.route("/visits/<visit_uuid>/previous-actions", methods=["GET", "POST"])
@login_required
def previous_actions(visit_uuid):
    """Mark the previous visits' open actions as done or not done."""
    visit = editable(visit_uuid)
    previous = services.previous_open_actions(visit.provider_id, visit.id, school_id=visit.school_id)
    form = outcomes_form(previous, visit.action_outcomes, visit.action_notes, version=visit.version)
    return section(
        visit,
        form,
        "visits/previous_actions.html",
        lambda skip: outcomes_change(form, previous, skip),
        lambda skip: {},
        url_for("visits.show", visit_uuid=visit.uuid),
        previous=previous,
        answers=_answer_lines(previous),
    )
