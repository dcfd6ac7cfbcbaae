"""The Head of Access's review: the sign-off queue, sign-off and return; and conflicts."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from qa_app.auth.permissions import authorize
from qa_app.domain import DomainError, Forbidden, Invalid, Locked
from qa_app.extensions import db
from qa_app.forms import VersionedForm, show_errors
from qa_app.visits import bp, services
from qa_app.visits.conflicts import resolve_conflict
from qa_app.visits.forms import ReturnForm, SignOffForm
from qa_app.visits.models import Visit, VisitConflict
from qa_app.visits.pages import load
from qa_app.visits.representation import visit_as_json
from qa_app.visits.routes import show
from qa_app.visits.scopes import can_edit_visit, may_resolve_conflict

QUEUE_PAGE_SIZE = 25
MAX_PAGE = 100_000


def signed_off_message(visit):
    """What the Head of Access is told when she signs a visit off: a provider visit rates
    the provider on the register; a school visit rates only the visit."""
    rag = visit.overall_rag.title()
    if visit.is_school_visit:
        return f"Signed off. The school visit to {visit.school.name} is rated {rag}."
    return f"Signed off. {visit.provider.name} is now rated {rag} on the register."


@bp.route("/sign-off")
@login_required
def sign_off_queue():
    """Visits awaiting sign-off, oldest first, a page at a time (a page query and a count)."""
    authorize("visit.sign_off")
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    visits = db.paginate(
        select(Visit)
        .options(joinedload(Visit.provider), joinedload(Visit.school), joinedload(Visit.officer))
        .where(Visit.status == "submitted")
        .order_by(Visit.submitted_at, Visit.id),
        page=page,
        per_page=QUEUE_PAGE_SIZE,
        max_per_page=QUEUE_PAGE_SIZE,
        error_out=False,
    )
    return render_template("visits/sign_off_queue.html", visits=visits)


@bp.route("/visits/<visit_uuid>/sign-off", methods=["POST"])
@login_required
def sign_off(visit_uuid):
    """Sign off a submitted visit: the register counts it from now on."""
    authorize("visit.sign_off")
    visit = load(visit_uuid)
    form = SignOffForm()
    if not form.validate_on_submit():
        if set(form.errors) == {"confirmed"}:
            return show(visit_uuid, confirm=form), 400
        abort(400)
    if form.version.data != str(visit.version):
        flash("This visit changed after you opened it: read it again before you sign it off.", "error")
        return redirect(url_for("visits.show", visit_uuid=visit.uuid))
    try:
        services.sign_off(current_user, visit)
    except (Locked, Forbidden) as problem:
        db.session.rollback()
        flash(str(problem), "error")
    else:
        db.session.commit()
        flash(signed_off_message(visit))
    return redirect(url_for("visits.show", visit_uuid=visit.uuid, back="sign-off"))


@bp.route("/visits/<visit_uuid>/return", methods=["POST"])
@login_required
def return_visit(visit_uuid):
    """Return a submitted visit to its officer with a comment."""
    authorize("visit.sign_off")
    visit = load(visit_uuid)
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            services.return_to_officer(current_user, visit, form.comment.data)
        except Invalid as problem:  # a comment of spaces only
            db.session.rollback()
            show_errors(form, problem.fields)
            return show(visit_uuid, return_form=form), 400
        except (Locked, Forbidden) as problem:
            db.session.rollback()
            flash(str(problem), "error")
        else:
            db.session.commit()
            flash(f"Returned to {visit.officer.name} with your comment.")
        return redirect(url_for("visits.show", visit_uuid=visit.uuid, back="sign-off"))
    if set(form.errors) - {"comment"}:
        abort(400)
    return show(visit_uuid, return_form=form), 400


@bp.route("/visits/<visit_uuid>/conflicts/<int:conflict_id>", methods=["GET", "POST"])
@login_required
def conflict(visit_uuid, conflict_id):
    """Compare a losing copy with the stored visit, and keep one of them."""
    visit = load(visit_uuid)
    item = db.session.get(VisitConflict, conflict_id)
    if item is None or item.visit_id != visit.id or not may_resolve_conflict(current_user, item):
        abort(404)
    form = VersionedForm(version=visit.version)
    if request.method == "POST" and item.resolved_at is None and form.validate_on_submit():
        choice = request.form.get("keep")
        if choice not in ("mine", "theirs"):
            abort(400)
        try:
            resolve_conflict(current_user, visit, item, choice, int(form.version.data))
        except DomainError as problem:
            db.session.rollback()
            flash(f"Your copy could not be kept: {problem}", "error")
            return redirect(request.url)
        db.session.commit()
        kept = (
            "Your copy is now the visit."
            if choice == "mine"
            else "The stored visit is kept; your copy is set aside."
        )
        flash(kept)
        return redirect(url_for("visits.show", visit_uuid=visit.uuid))
    return render_template(
        "visits/conflict.html",
        visit=visit,
        conflict=item,
        form=form,
        current=visit_as_json(visit),
        can_choose=can_edit_visit(current_user, visit),
        theirs=item.payload,
    )
