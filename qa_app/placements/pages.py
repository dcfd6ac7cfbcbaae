"""What every placement page does: load the placement in the user's scope, turn a form into
the placement's JSON body, and save it through save_placement, putting its refusals on
the form's fields (with the field's label, as GOV.UK error messages read)."""

from datetime import date

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from qa_app.auth.models import School
from qa_app.auth.permissions import authorize
from qa_app.domain import Conflict, Forbidden, Invalid, NotFound, VersionRequired
from qa_app.extensions import db
from qa_app.forms import show_errors
from qa_app.placements.schemas import PlacementBody
from qa_app.placements.scopes import schools_placeable_by
from qa_app.placements.services import FIELDS, find_placement, save_placement
from qa_app.providers.models import Provider
from qa_app.schemas import read

CHANGED_MEANWHILE = (
    "The placement was changed by someone else at the same moment: nothing was saved. Try again."
)
ALREADY_SAVED = (
    "This placement was already saved, so the form was not saved again over it. "
    "Check the placement below and change it from here."
)
# The placement's own fields, as the placement form names them (the school and the
# provider are chosen on the page before it).
FORM_FIELDS = tuple(name for name in FIELDS if name not in ("school_id", "provider_id"))


def load(placement_uuid):
    """The placement, if the current user may see it (404 otherwise)."""
    authorize("placement.view")
    try:
        return find_placement(current_user, placement_uuid)
    except NotFound:
        abort(404)


def school_choices():
    """(id, name) of the schools the current user may place for, by name."""
    schools = db.session.execute(
        select(School.id, School.name).where(schools_placeable_by(current_user)).order_by(School.name)
    ).all()
    return [(None, "Choose a school"), *((row.id, row.name) for row in schools)]


def provider_choices():
    """(id, name and borough) of every provider on the register, by name."""
    rows = db.session.execute(
        select(Provider.id, Provider.name, Provider.borough).order_by(Provider.name)
    ).all()
    return [(None, "Choose a provider"), *((row.id, f"{row.name} ({row.borough})") for row in rows)]


def form_body(form, school_id, provider_id):
    """The placement form as the JSON body of a placement, without reviews or end."""
    body = {name: getattr(form, name).data for name in FORM_FIELDS if name in form}
    hours = body.get("hours_per_week")
    body["hours_per_week"] = float(hours) if hours is not None else None
    body["pupil_ref"] = (body["pupil_ref"] or "").strip()
    return {**body, "school_id": school_id, "provider_id": provider_id}


def form_version(form):
    """The version of the placement the page was opened at (400 when the form lost it)."""
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        abort(400)


def _labelled(form, errors, fields):
    """Messages that start "must ..." or "is ..." read as "<label> must ..." on the page."""
    named = {}
    for path, message in errors.items():
        target = next((field for prefix, field in fields.items() if path.startswith(prefix)), None)
        if target and target in form and message[:1].islower():
            message = f"{form[target].label.text} {message}"
        named[path] = message
    return named


KEPT_AS_CONFLICT = (
    "This placement was changed by someone else after you opened the page, so your changes were "
    "not saved over theirs. Your copy is kept for the authority. Check the placement and make your "
    "changes again."
)


def _change(body, also):
    """The body read as a PlacementChange; Invalid with `also`'s errors beside the body's."""
    try:
        return read(PlacementBody, body).to_change()
    except Invalid as problem:
        raise Invalid({**(also or {}), **problem.fields}) from None


def save(form, placement_uuid, body, version=None, fields=None, today=None, also=None):
    """Save the body through save_placement; the placement, or None with the errors on the form.

    `also` are errors the service would find too, shown with the form's own when the body
    does not get that far (a placing reason missing as well as a bad reference, say).

    A stale version keeps the user's copy as a conflict and sends them to the stored
    placement; a save that lost a race in the same moment saves nothing and says so."""
    fields = fields or {name: name for name in form._fields}
    # The longest prefix first, so that part_time_reason is not shown beside part_time.
    fields = dict(sorted(fields.items(), key=lambda item: -len(item[0])))
    try:
        change = _change(body, also)
        placement, _ = save_placement(
            current_user, placement_uuid, change, version, today=today or date.today()
        )
        db.session.commit()
    except (Invalid, Forbidden) as problem:
        db.session.rollback()
        show_errors(form, _labelled(form, problem.fields or {"body": problem.message}, fields), fields)
        return None
    except NotFound:
        db.session.rollback()
        abort(404)
    except VersionRequired:
        db.session.rollback()
        flash(ALREADY_SAVED, "error")
        abort(redirect(url_for("placements.show", placement_uuid=placement_uuid)))
    except Conflict:
        db.session.commit()
        flash(KEPT_AS_CONFLICT, "error")
        abort(redirect(url_for("placements.show", placement_uuid=placement_uuid)))
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        flash(CHANGED_MEANWHILE, "error")
        abort(redirect(url_for("placements.show", placement_uuid=placement_uuid)))
    return placement
