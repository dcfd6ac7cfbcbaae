"""The provider's written confirmation of its safeguarding checks for one placement, given in
the app by the provider's own staff: enhanced DBS checks for the staff who work with the pupil,
a complete single central record, and the designated safeguarding lead's name. It fills the
placement's date received (nobody types it) and the school is told. These flush; the caller
commits."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from qa_app.auth.permissions import provider_staff_of
from qa_app.auth.services import active_emails
from qa_app.dates import long_date, utcnow
from qa_app.domain import Conflict, Forbidden, Invalid, Locked, NotFound, valid_uuid
from qa_app.extensions import db
from qa_app.notifications.outbox import queue_email
from qa_app.placements.models import Placement, SafeguardingConfirmation
from qa_app.placements.scopes import placements_visible_to
from qa_app.row_locks import lock_row

DSL_NAME_LIMIT = 120


def placements_at_provider(user, open_only=True, limit=200):
    """The placements at the provider staff's own provider, soonest start first, with their
    schools and confirmations (one query each)."""
    query = (
        select(Placement)
        .options(joinedload(Placement.school), joinedload(Placement.safeguarding_confirmation))
        .where(placements_visible_to(user))
        .order_by(Placement.start_date.desc(), Placement.id)
        .limit(limit)
    )
    if open_only:
        query = query.where(Placement.ended_on.is_(None))
    return db.session.scalars(query).unique().all()


def placement_for_provider_staff(user, placement_uuid):
    """A placement at the user's own provider, or NotFound (another provider's included)."""
    placement_uuid = valid_uuid(placement_uuid)
    placement = placement_uuid and db.session.scalar(
        select(Placement).where(Placement.uuid == placement_uuid)
    )
    if not placement or not provider_staff_of(user, placement.provider_id):
        raise NotFound("No such placement.")
    return placement


def _confirmation_errors(answers, dsl_name):
    """Both checks confirmed and the lead named, or a message for each that is not."""
    errors = {}
    if not answers.get("enhanced_dbs"):
        errors["enhanced_dbs"] = (
            "Confirm that every member of staff working with the pupil has an enhanced DBS check"
        )
    if not answers.get("single_central_record"):
        errors["single_central_record"] = "Confirm that your single central record is complete"
    if not dsl_name:
        errors["dsl_name"] = "Enter the name of your designated safeguarding lead"
    elif len(dsl_name) > DSL_NAME_LIMIT:
        errors["dsl_name"] = f"The name must be {DSL_NAME_LIMIT} characters or fewer"
    return errors


def confirm_safeguarding(user, placement, answers, base_version, today=None):
    """Record the provider's confirmation for this placement; returns it.

    `answers` holds enhanced_dbs and single_central_record (both must be True: the provider
    confirms them, it does not answer no) and dsl_name. Raises Forbidden for anyone but the
    provider's staff, Locked when already confirmed or ended, Conflict when the placement
    changed since the form was opened, Invalid with a message per field."""
    today = today or date.today()
    if not provider_staff_of(user, placement.provider_id):
        raise Forbidden("Only the provider's staff confirm its safeguarding checks.")
    # A confirmation sent twice at once (a double click) waits here for the first, then
    # reads what it stored and is refused as already confirmed.
    lock_row(Placement, placement.id)
    db.session.refresh(placement)
    if placement.safeguarding_confirmation is not None:
        raise Locked("The safeguarding checks for this placement are already confirmed.")
    if placement.ended_on is not None:
        raise Locked("This placement has ended.")
    if base_version is None or base_version != placement.version:
        raise Conflict("The school changed this placement since you opened it. Check it and confirm again.")
    dsl_name = " ".join((answers.get("dsl_name") or "").split())
    errors = _confirmation_errors(answers, dsl_name)
    if errors:
        raise Invalid(errors)
    confirmation = SafeguardingConfirmation(
        placement=placement,
        enhanced_dbs=True,
        single_central_record=True,
        dsl_name=dsl_name,
        confirmed_by=user,
        confirmed_at=utcnow(),
    )
    db.session.add(confirmation)
    if placement.safeguarding_confirmation_received is None:
        placement.safeguarding_confirmation_received = today
    placement.updated_at = utcnow()
    db.session.flush()
    _tell_the_school(placement, confirmation)
    return confirmation


def _tell_the_school(placement, confirmation):
    """Email the school's active staff that the confirmation has come in."""
    staff = active_emails("school", school_id=placement.school_id)
    provider = placement.provider
    queue_email(
        staff,
        f"Safeguarding checks confirmed by {provider.name} for pupil {placement.pupil_ref}",
        f"{confirmation.confirmed_by.name} of {provider.name} confirmed on "
        f"{long_date(confirmation.confirmed_at.date())}, for pupil {placement.pupil_ref} "
        f"(starting {long_date(placement.start_date)}):\n\n"
        "- every member of staff working with the pupil has an enhanced DBS check;\n"
        "- the provider's single central record is complete;\n"
        f"- the designated safeguarding lead is {confirmation.dsl_name}.\n\n"
        "The placement record now holds this written confirmation.\n",
    )
