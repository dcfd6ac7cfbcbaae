"""What every page of the visit form does: load the visit in the user's scope, and save a
typed change through save_visit, turning its refusals into field errors or redirects."""

from flask import abort, flash, g, redirect, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from qa_app.auth.permissions import authorize, can_edit_visit
from qa_app.bad_input import CONCURRENT_MESSAGE
from qa_app.domain import Conflict, Forbidden, Invalid, Locked, NotFound, VersionRequired
from qa_app.extensions import db
from qa_app.visits import services
from qa_app.visits.representation import body_with_change, visit_as_json
from qa_app.visits.saving import save_visit


def load(visit_uuid, full=True):
    """The visit, if the current user may see it (404 otherwise)."""
    authorize("visit.view")
    try:
        return services.visible_visit(current_user, visit_uuid, full=full)
    except NotFound:
        abort(404)


def offer_visit_form(visit):
    """Let the browser's visit form (static/js/offline/form.js) take over this page when
    its user may change the visit: the same form online and offline (base.html)."""
    if can_edit_visit(current_user, visit):
        g.visit_form_uuid = visit.uuid


def editable(visit_uuid):
    """The visit for its own officer to change; others are sent to the read-only page."""
    visit = load(visit_uuid)
    if not can_edit_visit(current_user, visit):
        if visit.officer_id == current_user.id:
            flash("This visit has been submitted and can no longer be changed.", "error")
        abort(redirect(url_for("visits.show", visit_uuid=visit.uuid)))
    offer_visit_form(visit)
    return visit


def form_version(form):
    """The version of the visit the page was opened at (400 when the form lost it)."""
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        abort(400)


def save(visit, form, build, saver=save_visit):
    """Save the change `build()` makes, through save_visit; None when saved, else field errors.

    A stale version keeps the officer's copy as a conflict and redirects to it; a save
    that lost a race with another request in the same moment saves nothing and says so.
    """
    version, visit_uuid = form_version(form), visit.uuid
    try:
        change = build()
        saver(
            current_user,
            visit.uuid,
            change,
            version,
            kept_copy=lambda stored: body_with_change(visit_as_json(stored), change),
        )
    except Invalid as problem:
        db.session.rollback()
        return problem.fields
    except StaleDataError:
        changed_meanwhile(visit_uuid)
    except Locked:
        db.session.rollback()
        flash("This visit has been submitted and can no longer be changed.", "error")
        abort(redirect(url_for("visits.show", visit_uuid=visit.uuid)))
    except Conflict as conflict:
        db.session.commit()
        flash(
            "This visit was changed in another tab or on another device after you opened this page. "
            "Nothing is lost: compare the two copies and choose.",
            "error",
        )
        abort(redirect(url_for("visits.conflict", visit_uuid=visit.uuid, conflict_id=conflict.kept.id)))
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        changed_meanwhile(visit_uuid)
    return None


def changed_meanwhile(visit_uuid):
    """Roll back a save another request beat to it, and show the visit as it is stored."""
    db.session.rollback()
    flash(CONCURRENT_MESSAGE, "error")
    abort(redirect(url_for("visits.show", visit_uuid=visit_uuid)))


def start(visit_uuid, change):
    """Create a visit; None when it is made (or a replayed start finds it made), else field errors.

    A uuid that another user's visit has is refused (409)."""
    try:
        save_visit(current_user, visit_uuid, change)
        db.session.commit()
    except Invalid as problem:
        db.session.rollback()
        return problem.fields
    except (Conflict, Locked, VersionRequired, IntegrityError):
        # A replayed start (a double click, a retry, a parallel request): the visit exists.
        db.session.rollback()
    except (NotFound, Forbidden):
        db.session.rollback()
        abort(
            409, "That visit is already recorded by someone else. Go back, reload the page and start again."
        )
    return None
