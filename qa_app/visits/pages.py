"""What every page of the visit form does: load the visit in the user's scope, and save a
typed change through save_visit, turning its refusals into field errors or redirects."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from qa_app.auth.permissions import authorize
from qa_app.bad_input import CONCURRENT_MESSAGE
from qa_app.domain import AlreadyOpen, Conflict, Forbidden, Invalid, Locked, NotFound, VersionRequired
from qa_app.extensions import db
from qa_app.forms import show_errors
from qa_app.visits import services
from qa_app.visits.representation import body_with_change, visit_as_json
from qa_app.visits.saving import save_visit
from qa_app.visits.scopes import can_edit_visit, may_open_visits


def load(visit_uuid, full=True, school_staff=False):
    """The visit, if the current user may see it (404 otherwise). With `school_staff`, a
    school's staff may read it too: their own school's signed-off school visits."""
    if not (school_staff and may_open_visits(current_user)):
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

    A uuid that another user's visit has is refused (409); a second open visit to the same
    place is not made, and the officer is sent to the open one."""
    try:
        save_visit(current_user, visit_uuid, change)
        db.session.commit()
    except Invalid as problem:
        db.session.rollback()
        return problem.fields
    except AlreadyOpen as problem:
        db.session.rollback()
        flash(problem.message, "error")
        abort(redirect(url_for("visits.show", visit_uuid=problem.uuid)))
    except (Conflict, Locked, VersionRequired, IntegrityError):
        # A replayed start (a double click, a retry, a parallel request): the visit exists.
        db.session.rollback()
    except (NotFound, Forbidden):
        db.session.rollback()
        abort(
            409, "That visit is already recorded by someone else. Go back, reload the page and start again."
        )
    return None


# A form has few parts, so a handful of passes settles it: each leaves out what the one
# before was refused for.
PASSES = 5


def field_for(path, paths):
    """The form field that shows the error at `path`: the longest prefix of it in `paths` that
    ends where a part of the path ends (``judgements[1]`` claims ``judgements[1].evidence``
    but not ``judgements[10]``); None when no field claims it."""
    for prefix in sorted(paths, key=len, reverse=True):
        if path == prefix or path.startswith((f"{prefix}.", f"{prefix}[")):
            return paths[prefix]
    return None


def save_valid(visit, form, build, paths, refused):
    """Save every valid part of a submitted page, through save_visit; True when it saved.

    `refused` ({field name: [messages]}) starts with the fields the page's own checks
    refused and gains those the change is refused for. `build(skip)` makes the change from
    every field but those in `skip`, and `paths(skip)` says which field shows the error at
    each path of that change. Each refusal leaves out the fields it names, until what is
    left saves; an error no field claims goes to the error summary, and then nothing is
    saved. After a save the form carries the visit's new version.
    """
    skip = set(refused)
    for _ in range(PASSES):
        # build() may refuse too (a field the change's schema cannot read): save() says so.
        errors = save(visit, form, lambda left_out=frozenset(skip): build(left_out))
        if errors is None:
            form.version.data = visit.version
            return True
        fields = paths(frozenset(skip))
        placed = {path: field_for(path, fields) for path in errors}
        for path, name in placed.items():
            if name is not None:
                refused.setdefault(name, []).append(errors[path])
        unclaimed = {path: errors[path] for path, name in placed.items() if name is None}
        if unclaimed or not set(placed.values()) - skip:
            show_errors(form, unclaimed, {})
            return False
        skip |= set(placed.values())
    return False


def section(visit, form, template, build, paths, done, saved_message=None, **context):
    """A section page's answer to its form: all saved, on to `done`; else the page again, with
    every valid field saved and the others as typed beside their errors (400). A form whose
    CSRF token is bad saves nothing."""
    if form.is_submitted():
        form.validate()
        if not ("csrf_token" in form and form.csrf_token.errors):
            refused = {
                name: list(form[name].errors) for name in form.errors if name in form and name != "version"
            }
            saved = save_valid(visit, form, build, paths, refused)
            for name, messages in refused.items():
                form[name].errors = messages
            if saved and not form.errors:
                if saved_message:
                    flash(saved_message)
                return redirect(done)
            context["partly_saved"] = saved
    return render_template(template, form=form, visit=visit, **context), 400 if form.errors else 200
