"""The visit form: start, task list, each section, check and submit.

Every page that changes a visit builds the visit's JSON, changes its part, and calls
services.save_visit, the same function the sync API calls, so both obey the same rules.
"""

import uuid as uuid_module
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from qa_app.auth.permissions import authorize
from qa_app.extensions import db
from qa_app.framework.defaults import THEME_NAMES
from qa_app.framework.services import current_version
from qa_app.providers.models import Provider
from qa_app.visits import bp, services
from qa_app.visits.forms import ActionForm, DetailsForm, ReturnForm, StrengthsForm, VersionedForm, theme_form
from qa_app.visits.models import VisitConflict, VisitEvent
from qa_app.visits.payload import PayloadError
from qa_app.visits.progress import task_list
from qa_app.visits.services import VisitConflictError, VisitLocked, VisitNotFound, VisitRuleError


def load(visit_uuid, full=True):
    """The visit, if the current user may see it (404 otherwise)."""
    authorize("visit.view")
    try:
        return services.visible_visit(current_user, visit_uuid, full=full)
    except VisitNotFound:
        abort(404)


def editable(visit_uuid):
    """The visit for its own officer to change; others are sent to the read-only page."""
    visit = load(visit_uuid)
    if visit.officer_id != current_user.id or visit.status not in services.EDITABLE:
        if visit.officer_id == current_user.id:
            flash("This visit has been submitted and can no longer be changed.", "error")
        abort(redirect(url_for("visits.show", visit_uuid=visit.uuid)))
    return visit


def save(visit, form, change):
    """Apply `change` to the visit's JSON and save it through save_visit.

    Returns None when saved (committed), else a dict of field errors. A stale version
    keeps the officer's copy as a conflict and redirects to it.
    """
    body = services.visit_as_json(visit)
    body["status"] = "draft"  # a returned visit stays returned until it is submitted again
    change(body)
    try:
        version = int(form.version.data)
    except (TypeError, ValueError):
        abort(400)
    try:
        services.save_visit(current_user, visit.uuid, body, version)
    except (PayloadError, VisitRuleError) as problem:
        db.session.rollback()
        return problem.errors
    except VisitLocked:
        db.session.rollback()
        flash("This visit has been submitted and can no longer be changed.", "error")
        abort(redirect(url_for("visits.show", visit_uuid=visit.uuid)))
    except VisitConflictError as conflict:
        db.session.commit()
        flash(
            "This visit was changed in another tab or on another device after you opened this page. "
            "Nothing is lost: compare the two copies and choose.",
            "error",
        )
        abort(redirect(url_for("visits.conflict", visit_uuid=visit.uuid, conflict_id=conflict.conflict.id)))
    db.session.commit()
    return None


def show_errors(form, errors, fields):
    """Put service errors on the form fields they concern (by path prefix), the rest on the form."""
    for path, message in errors.items():
        name = next((field for prefix, field in fields.items() if path.startswith(prefix)), None)
        if name is None:  # about another part of the visit: show it in the summary
            flash(f"{path}: {message}", "error")
            continue
        target = getattr(form, name)
        target.errors = list(target.errors) + [message]


@bp.route("/providers/<int:provider_id>/visits/new", methods=["GET", "POST"])
@login_required
def start(provider_id):
    """Start a visit to a provider: date, type, people met, pupils seen."""
    authorize("visit.start")
    provider = db.get_or_404(Provider, provider_id)
    form = DetailsForm()
    if not form.is_submitted():
        form.visit_date.data = date.today()
    version = current_version()
    if form.validate_on_submit():
        # The browser makes the UUID (so a tablet can start a visit offline); without
        # JavaScript the server makes one.
        visit_uuid = services.valid_uuid(form.uuid.data) or str(uuid_module.uuid4())
        body = {
            "provider_id": provider.id,
            "visit_date": form.visit_date.data.isoformat(),
            "visit_type": form.visit_type.data,
            "framework_version": version.name,
            "people_met": form.people_met.data or "",
            "pupils_seen": form.pupils_seen.data,
        }
        try:
            services.save_visit(current_user, visit_uuid, body)
        except (PayloadError, VisitRuleError) as problem:
            db.session.rollback()
            show_errors(form, problem.errors, {"visit_date": "visit_date", "pupils_seen": "pupils_seen"})
        except VisitConflictError:  # a replayed start: the visit exists already
            db.session.rollback()
        else:
            db.session.commit()
        if not form.errors:
            return redirect(url_for("visits.show", visit_uuid=visit_uuid))
    return render_template("visits/start.html", form=form, provider=provider, version=version), (
        400 if form.errors else 200
    )


@bp.route("/visits/<visit_uuid>")
@login_required
def show(visit_uuid):
    """The visit: its task list for its officer, the full record for everyone allowed."""
    visit = load(visit_uuid)
    previous = services.previous_open_actions(visit.provider_id, visit.id)
    events = db.session.scalars(
        db.select(VisitEvent)
        .options(db.joinedload(VisitEvent.user))
        .where(VisitEvent.visit_id == visit.id)
        .order_by(VisitEvent.at.desc(), VisitEvent.id.desc())
    ).all()
    conflicts = db.session.scalars(
        db.select(VisitConflict).where(
            VisitConflict.visit_id == visit.id, VisitConflict.resolved_at.is_(None)
        )
    ).all()
    return render_template(
        "visits/show.html",
        visit=visit,
        tasks=task_list(visit, previous),
        events=events,
        conflicts=conflicts,
        previous=previous,
        blockers=services.submission_blockers(visit),
        can_edit=visit.officer_id == current_user.id and visit.status in services.EDITABLE,
        return_form=ReturnForm(),
        confirm=VersionedForm(version=visit.version),
    )


@bp.route("/visits/<visit_uuid>/details", methods=["GET", "POST"])
@login_required
def details(visit_uuid):
    """Change the date, type, people met and pupils seen."""
    visit = editable(visit_uuid)
    form = DetailsForm(obj=visit) if request.method == "GET" else DetailsForm()
    form.version.data = form.version.data or visit.version
    if form.validate_on_submit():

        def change(body):
            body.update(
                visit_date=form.visit_date.data.isoformat(),
                visit_type=form.visit_type.data,
                people_met=form.people_met.data or "",
                pupils_seen=form.pupils_seen.data,
            )

        errors = save(visit, form, change)
        if errors is None:
            return redirect(url_for("visits.show", visit_uuid=visit.uuid))
        show_errors(
            form, errors, {"visit_date": "visit_date", "actions": "visit_date", "pupils_seen": "pupils_seen"}
        )
    return render_template("visits/details.html", form=form, visit=visit), 400 if form.errors else 200


@bp.route("/visits/<visit_uuid>/themes/<theme>", methods=["GET", "POST"])
@login_required
def theme(visit_uuid, theme):
    """Judge each criterion of one theme, with evidence, and comment on the theme."""
    if theme not in THEME_NAMES:
        abort(404)
    visit = editable(visit_uuid)
    criteria = visit.framework_version.criteria_by_theme()[theme]
    judged = {j.criterion.code: j for j in visit.judgements}
    stored = {f"rating_{code}": j.rating for code, j in judged.items()}
    stored.update({f"evidence_{code}": j.evidence for code, j in judged.items()})
    form = theme_form(
        criteria,
        request.form if request.method == "POST" else None,
        version=visit.version,
        note=visit.theme_notes.get(theme, ""),
        insufficient_reason=visit.insufficient_reasons.get(theme, ""),
        **stored,
    )
    if form.validate_on_submit():

        def change(body):
            others = [j for j in body["judgements"] if not j["criterion"].startswith(theme)]
            mine = [
                {
                    "criterion": c.code,
                    "rating": form[f"rating_{c.code}"].data,
                    "evidence": form[f"evidence_{c.code}"].data or "",
                }
                for c in criteria
                if form[f"rating_{c.code}"].data
            ]
            body["judgements"] = others + mine
            body["theme_notes"][theme] = form.note.data or ""
            body["insufficient_reasons"][theme] = form.insufficient_reason.data or ""

        errors = save(visit, form, change)
        if errors is None:
            flash(f"{THEME_NAMES[theme]} saved.")
            return redirect(url_for("visits.show", visit_uuid=visit.uuid))
        body = services.visit_as_json(visit)
        change(body)
        by_path = {f"judgements[{n}]": f"evidence_{j['criterion']}" for n, j in enumerate(body["judgements"])}
        show_errors(
            form, errors, {**by_path, "theme_notes": "note", "insufficient_reasons": "insufficient_reason"}
        )
    return render_template(
        "visits/theme.html",
        form=form,
        visit=visit,
        theme=theme,
        criteria=criteria,
        rating=visit.theme_rags.get(theme),
    ), 400 if form.errors else 200


@bp.route("/visits/<visit_uuid>/strengths", methods=["GET", "POST"])
@login_required
def strengths(visit_uuid):
    """Record strengths and pupil voice."""
    visit = editable(visit_uuid)
    form = StrengthsForm(obj=visit) if request.method == "GET" else StrengthsForm()
    form.version.data = form.version.data or visit.version
    if form.validate_on_submit():
        errors = save(
            visit,
            form,
            lambda body: body.update(
                strengths=form.strengths.data or "", pupil_voice=form.pupil_voice.data or ""
            ),
        )
        if errors is None:
            return redirect(url_for("visits.show", visit_uuid=visit.uuid))
        show_errors(form, errors, {"strengths": "strengths", "pupil_voice": "pupil_voice"})
    return render_template("visits/strengths.html", form=form, visit=visit), 400 if form.errors else 200


@bp.route("/visits/<visit_uuid>/actions", methods=["GET", "POST"])
@login_required
def actions(visit_uuid):
    """List the visit's actions and add one."""
    visit = editable(visit_uuid)
    form = ActionForm(version=visit.version)
    if form.validate_on_submit():
        new = {
            "description": form.description.data,
            "owner": form.owner.data,
            "due": form.due.data.isoformat() if form.due.data else None,
        }
        errors = save(visit, form, lambda body: body["actions"].append(new))
        if errors is None:
            flash("Action added.")
            return redirect(url_for("visits.actions", visit_uuid=visit.uuid))
        show_errors(form, errors, {"actions": "due"})
    return render_template(
        "visits/actions.html", form=form, visit=visit, remove=VersionedForm(version=visit.version)
    ), (400 if form.errors else 200)


@bp.route("/visits/<visit_uuid>/actions/<int:index>/remove", methods=["POST"])
@login_required
def remove_action(visit_uuid, index):
    """Remove one of the visit's actions."""
    visit = editable(visit_uuid)
    form = VersionedForm()
    if not form.validate_on_submit() or not 0 <= index < len(visit.actions):
        abort(400)
    save(visit, form, lambda body: body["actions"].pop(index))
    flash("Action removed.")
    return redirect(url_for("visits.actions", visit_uuid=visit.uuid))


@bp.route("/visits/<visit_uuid>/previous-actions", methods=["GET", "POST"])
@login_required
def previous_actions(visit_uuid):
    """Mark the previous visits' open actions as done or not done."""
    visit = editable(visit_uuid)
    previous = services.previous_open_actions(visit.provider_id, visit.id)
    form = VersionedForm(version=visit.version)
    if form.validate_on_submit():
        outcomes = {
            str(a.id): request.form.get(f"outcome_{a.id}")
            for a in previous
            if request.form.get(f"outcome_{a.id}") in ("done", "not_done")
        }
        save(visit, form, lambda body: body.update(action_outcomes=outcomes))
        return redirect(url_for("visits.show", visit_uuid=visit.uuid))
    return render_template("visits/previous_actions.html", form=form, visit=visit, previous=previous)


@bp.route("/visits/<visit_uuid>/check")
@login_required
def check(visit_uuid):
    """Check answers: every theme's RAG and why, the overall RAG, and what blocks submitting."""
    visit = editable(visit_uuid)
    return render_template(
        "visits/check.html",
        visit=visit,
        blockers=services.submission_blockers(visit),
        form=VersionedForm(version=visit.version),
    )


@bp.route("/visits/<visit_uuid>/submit", methods=["POST"])
@login_required
def submit(visit_uuid):
    """Submit the visit for sign-off; it is then locked."""
    visit = editable(visit_uuid)
    form = VersionedForm()
    if not form.validate_on_submit():
        abort(400)
    errors = save(visit, form, lambda body: body.update(status="submitted"))
    if errors:
        for message in errors.values():
            flash(message, "error")
        return redirect(url_for("visits.check", visit_uuid=visit.uuid))
    flash("Visit submitted. The Head of Access will review it and sign it off.")
    return redirect(url_for("visits.show", visit_uuid=visit.uuid))
