"""Starting a visit to a provider or a school: the start page both kinds share (its views are
pages.start_provider_visit and pages.start_school_visit, in qa_app/pages/visit_start.py); the
change a details form makes, which the visit's details page makes too; and the officer's open
visit to the place, which the start page offers rather than start a second."""

import uuid as uuid_module
from datetime import date

from flask import redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from qa_app.domain import valid_uuid
from qa_app.extensions import db
from qa_app.forms import show_errors
from qa_app.framework.services import current_version
from qa_app.visits.forms import DetailsForm
from qa_app.visits.models import Visit
from qa_app.visits.pages import start as start_visit
from qa_app.visits.saving import may_not_visit
from qa_app.visits.schemas import VisitChange
from qa_app.visits.scopes import EDITABLE_VISIT_STATES, may_visit_school, visits_visible_to

DETAILS_FIELDS = {"visit_date": "visit_date", "pupils_seen": "pupils_seen", "actions": "visit_date"}


def details_change(form, skip=frozenset(), **extra):
    """The change a details form makes: date, type, people met, pupils seen (but those in `skip`)."""
    kept = {name: getattr(form, name).data for name in ("visit_date", "visit_type") if name not in skip}
    if "people_met" not in skip:
        kept["people_met"] = form.people_met.data or ""
    if "pupils_seen" not in skip:
        kept.update(pupils_seen=form.pupils_seen.data, set_pupils_seen=True)
    return VisitChange(**kept, **extra)


def open_visit_to(user, provider_id=None, school_id=None):
    """The user's own open visit (draft or returned) to this provider (or school), newest, or
    None: one query."""
    place = Visit.school_id == school_id if school_id is not None else Visit.provider_id == provider_id
    return db.session.scalar(
        select(Visit)
        .where(
            place,
            Visit.officer_id == user.id,
            Visit.status.in_(EDITABLE_VISIT_STATES),
            visits_visible_to(user),
        )
        .order_by(Visit.visit_date.desc(), Visit.id.desc())
        .limit(1)
    )


def start_page(place, kind):
    """Start a visit to a provider or a school (`kind`): date, type, people met, pupils seen.

    An officer with an open visit there is offered it, and sent on to it by save_visit's
    refusal if they start another all the same: a second is never started. Only a school's
    link officer or the Head of Access may visit a school (403 with the reason for any other
    officer)."""
    form = DetailsForm()
    if not form.is_submitted():
        form.visit_date.data = date.today()
    version = current_version(kind)
    refused = may_not_visit(place) if kind == "school" and not may_visit_school(current_user, place) else None
    offered = refused is None and not form.is_submitted()
    already = open_visit_to(current_user, **{f"{kind}_id": place.id}) if offered else None
    if form.validate_on_submit():
        # The browser makes the UUID (so a tablet can start a visit offline); without
        # JavaScript the server makes one.
        visit_uuid = valid_uuid(form.uuid.data) or str(uuid_module.uuid4())
        name = version.name if version else ""
        errors = start_visit(
            visit_uuid, details_change(form, framework_version=name, **{f"{kind}_id": place.id})
        )
        refused = (errors or {}).pop("school_id", refused)
        show_errors(form, errors or {}, DETAILS_FIELDS)
        if not form.errors and refused is None:
            return redirect(url_for("visits.show", visit_uuid=visit_uuid))
    status = 403 if refused else 400 if form.errors else 200
    page = render_template(
        "visits/start.html",
        form=form,
        visited=place,
        version=version,
        already=already,
        refused=refused,
        **{kind: place},
    )
    return page, status
