"""The pages of one placement: placing a pupil (provider first, then the rest, with the
check before placing), the record, changing it, adding a review, and ending it.
Every page saves through services.save_placement."""

import uuid as uuid_module
from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from qa_app.audit.reads import audited
from qa_app.auth.models import School
from qa_app.auth.permissions import authorize, can, schools_visited_by
from qa_app.extensions import db
from qa_app.framework.rating import QA_STATUSES
from qa_app.placements import bp, pages
from qa_app.placements.attendance import since_last_review
from qa_app.placements.authority_figures import authority_counts, concerns
from qa_app.placements.forms import ChooseProviderForm, EndForm, PlacementForm, ReviewForm
from qa_app.placements.lists import ListFilters, overdue_counts, placement_page
from qa_app.placements.models import ATTENDANCE_CODES, COMMISSIONERS, DECISIONS, DESTINATIONS, REASONS
from qa_app.placements.overdue import OVERDUE, items_from_row
from qa_app.placements.placing import NOT_KNOWN_REGISTERED, placing_check, reason_needed
from qa_app.placements.representation import placement_as_json
from qa_app.placements.scopes import can_edit_placement
from qa_app.providers.models import REGISTRATION_STATUSES, Provider

LABELS = {
    "reasons": REASONS,
    "commissioners": COMMISSIONERS,
    "attendance_codes": ATTENDANCE_CODES,
    "decisions": DECISIONS,
    "destinations": DESTINATIONS,
    # What provider_status_when_placed holds: a QA status, or a registration status.
    "placed_statuses": QA_STATUSES | REGISTRATION_STATUSES,
}


def _chosen(form):
    """The school and provider chosen in the first step, or None while a choice is missing or wrong."""
    if current_user.role == "school":
        del form.school_id
    else:
        form.school_id.choices = pages.school_choices()
    form.provider_id.choices = pages.provider_choices()
    if not request.args or not form.validate():
        return None
    school_id = current_user.school_id if current_user.role == "school" else form.school_id.data
    return db.session.get(School, school_id), db.session.get(Provider, form.provider_id.data)


@bp.route("/placements/new", methods=["GET", "POST"])
@login_required
def new():
    """Place a pupil: choose the provider (and school), then see why it needs a reason if it
    does, and record the placement."""
    authorize("placement.record")
    choose = ChooseProviderForm(request.args)
    chosen = _chosen(choose)
    if chosen is None:
        status = 400 if choose.errors else 200
        return render_template("placements/choose.html", form=choose), status
    school, provider = chosen
    form = PlacementForm()
    del form.provider_id
    check = placing_check(provider, date.today())
    placement_uuid = request.form.get("uuid") or str(uuid_module.uuid4())
    if form.validate_on_submit():
        also = (
            {"placing_reason": reason_needed(provider, check)}
            if check and not form.placing_reason.data
            else {}
        )
        placement = pages.save(form, placement_uuid, pages.form_body(form, school.id, provider.id), also=also)
        if placement is not None:
            flash(f"Placement of {placement.pupil_ref} with {provider.name} saved.")
            return redirect(url_for("placements.show", placement_uuid=placement.uuid))
    status = 400 if form.errors else 200
    return render_template(
        "placements/form.html",
        form=form,
        school=school,
        provider=provider,
        check=check,
        placement=None,
        placement_uuid=placement_uuid,
    ), status


@bp.route("/placements/<placement_uuid>")
@login_required
@audited("view", "placement", "placement_uuid")
def show(placement_uuid):
    """The placement record: the pupil by reference only, the plan, its reviews and its end."""
    placement = pages.load(placement_uuid)
    return render_template(
        "placements/show.html",
        placement=placement,
        may_edit=can_edit_placement(current_user, placement),
        **LABELS,
    )


def _editable(placement_uuid):
    """The placement, for someone who may change it (404 for anyone else)."""
    placement = pages.load(placement_uuid)
    authorize("placement.record")
    return placement


@bp.route("/placements/<placement_uuid>/edit", methods=["GET", "POST"])
@login_required
@audited("view", "placement", "placement_uuid")
def edit(placement_uuid):
    """Change the placement's details (a new provider is checked as a new placement is)."""
    placement = _editable(placement_uuid)
    form = PlacementForm(obj=placement, version=placement.version)
    form.provider_id.choices = pages.provider_choices()
    if form.validate_on_submit():
        body = placement_as_json(placement) | pages.form_body(
            form, placement.school_id, form.provider_id.data
        )
        if pages.save(form, placement.uuid, body, pages.form_version(form)) is not None:
            flash("Placement saved.")
            return redirect(url_for("placements.show", placement_uuid=placement.uuid))
    chosen = db.session.get(Provider, form.provider_id.data or placement.provider_id) or placement.provider
    check = placing_check(chosen, date.today()) if chosen.id != placement.provider_id else None
    return render_template(
        "placements/form.html",
        form=form,
        school=placement.school,
        provider=chosen,
        check=check,
        placement=placement,
        placement_uuid=placement.uuid,
    ), 400 if form.errors else 200


@bp.route("/placements/<placement_uuid>/reviews/new", methods=["GET", "POST"])
@login_required
@audited("view", "placement", "placement_uuid")
def new_review(placement_uuid):
    """Add a review: attendance since the last one, progress, the views heard, the decision."""
    placement = _editable(placement_uuid)
    from_marks = since_last_review(placement, date.today())  # the provider's daily marks
    form = ReviewForm(version=placement.version, **(from_marks.form_data() if from_marks else {}))
    if form.validate_on_submit():
        body = placement_as_json(placement)
        position = len(body["reviews"])
        review = {
            name: form[name].data for name in form._fields if name not in ("version", "submit", "csrf_token")
        }
        review["sessions_unauthorised"] = review["sessions_unauthorised"] or 0
        body["reviews"] = [*body["reviews"], review]
        fields = {f"reviews[{position}].{name}": name for name in review}
        if pages.save(form, placement.uuid, body, pages.form_version(form), fields) is not None:
            flash("Review saved.")
            return redirect(url_for("placements.show", placement_uuid=placement.uuid))
    return render_template(
        "placements/review.html", form=form, placement=placement, from_marks=from_marks
    ), 400 if form.errors else 200


@bp.route("/placements/<placement_uuid>/end", methods=["GET", "POST"])
@login_required
@audited("view", "placement", "placement_uuid")
def end(placement_uuid):
    """End the placement: the date, the pupil's destination and their own assessment."""
    placement = _editable(placement_uuid)
    form = EndForm(
        version=placement.version,
        ended_on=placement.ended_on,
        destination=placement.destination,
        pupil_assessment=placement.pupil_assessment,
    )
    if form.validate_on_submit():
        ending = {
            "date": form.ended_on.data,
            "destination": form.destination.data,
            "pupil_assessment": form.pupil_assessment.data,
        }
        body = {**placement_as_json(placement), "end": ending}
        fields = {
            "end.date": "ended_on",
            "end.destination": "destination",
            "end.pupil_assessment": "pupil_assessment",
        }
        if pages.save(form, placement.uuid, body, pages.form_version(form), fields) is not None:
            flash("The placement has ended.")
            return redirect(url_for("placements.show", placement_uuid=placement.uuid))
    return render_template(
        "placements/end.html", form=form, placement=placement, destinations=DESTINATIONS
    ), 400 if form.errors else 200


@bp.route("/placements")
@login_required
@audited("view", "placement_list")
def index():
    """A school's placements with what is due; for the authority, every pupil in AP."""
    authorize("placement.view")
    today = date.today()
    filters = ListFilters.from_args(request.args)
    authority = can(current_user, "placement.authority_view")
    page = placement_page(current_user, filters, today, request.args.get("page", 1, type=int), authority)
    return render_template(
        "placements/index.html",
        authority=authority,
        filters=filters,
        page=page,
        due={row.id: items_from_row(row) for row in page.items},
        overdue=overdue_counts(current_user, filters, today),
        counts=authority_counts(current_user, filters, today) if authority else None,
        concerns=concerns(current_user, filters, today) if authority else None,
        # The schools whose pages this user may open (the ones they visit), to link their names.
        school_pages=set(db.session.scalars(select(School.id).where(schools_visited_by(current_user))))
        if authority
        else set(),
        school=None if authority else current_user.school,
        overdue_labels=OVERDUE,
        reasons=REASONS,
        commissioners=COMMISSIONERS,
        registration_labels=REGISTRATION_STATUSES,
        not_known_registered=NOT_KNOWN_REGISTERED,
        today=today,
    )
