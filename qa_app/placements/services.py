"""save_placement(): the one way a placement is created or changed, from a PlacementChange.

The pages and the API come here, and the CSV import checks each of its rows with the same
rules (new_placement_row, which shares save_placement's checks but takes the lookups a batch
makes once for all its rows, then add_placements, one bulk insert), so a placement obeys
the same rules however it is recorded. Before placing with a provider that is not quality
assured (or not known to be registered) the school must give a reason (placements/placing.py).
These functions flush but never commit; the caller commits once.
"""

from datetime import date
from uuid import uuid4

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import selectinload

from qa_app.auth.models import School
from qa_app.auth.permissions import can
from qa_app.dates import long_date, utcnow
from qa_app.domain import Conflict, Forbidden, Invalid, NotFound, VersionRequired, valid_uuid
from qa_app.extensions import db
from qa_app.placements.changes import placements_changed, tested_inputs
from qa_app.placements.models import Placement, PlacementConflict, PlacementReview
from qa_app.placements.placing import notify_placing, placing_check, reason_needed
from qa_app.placements.schemas import rule_errors
from qa_app.placements.scopes import can_edit_placement, can_see_placement, may_place_for
from qa_app.providers.models import Provider

FIELDS = (
    "school_id",
    "pupil_ref",
    "year_group",
    "ehc_plan",
    "sen_support",
    "looked_after",
    "provider_id",
    "commissioned_by",
    "reason",
    "start_date",
    "planned_end_date",
    "days_per_week",
    "hours_per_week",
    "weeks_per_year",
    "daytime",
    "main_education",
    "part_time",
    "part_time_reason",
    "part_time_review_date",
    "attendance_code",
    "safeguarding_confirmation_received",
    "objectives",
    "reintegration_timeline",
    "placing_reason",
)
REVIEW_FIELDS = (
    "review_date",
    "sessions_possible",
    "sessions_attended",
    "sessions_unauthorised",
    "progress",
    "achievements",
    "pupil_view",
    "parent_view",
    "decision",
)

# -- saving ------------------------------------------------------------------------------------


def find_placement(user, placement_uuid, lock=False):
    """The placement with this uuid that the user may see, with its parts, or NotFound."""
    placement_uuid = valid_uuid(placement_uuid)
    statement = _LOCKED if lock else _BY_UUID
    placement = db.session.scalar(statement, {"uuid": placement_uuid or ""})
    if placement is None or not can_see_placement(user, placement):
        raise NotFound("No such placement.")
    return placement


def _guard(user, placement, change, base_version, require_version):
    """Refuse a save this user may not make, or one based on an old version (kept as a conflict)."""
    if placement is not None and not can_see_placement(user, placement):
        raise NotFound("No such placement.")
    if not can(user, "placement.record"):
        raise Forbidden("Only schools and the authority's staff record placements.")
    if not may_place_for(user, change.school_id, change.provider_id):
        message = (
            "You can record placements only at your providers or for the schools you visit"
            if getattr(user, "role", None) == "officer"
            else "You can record placements only for your own school"
        )
        raise Forbidden(message, fields={"school_id": message})
    if placement is None:
        return
    if not can_edit_placement(user, placement):
        raise Forbidden("You may not change this placement.")
    if base_version is None:
        # A form for a new placement sent again (or a client that did not say which version
        # it changes) never overwrites the stored placement or its reviews.
        raise VersionRequired(
            'This placement is already saved: send If-Match: "<version>" to change it.',
            code="exists" if not require_version else None,
        )
    if base_version is not None and base_version != placement.version:
        conflict = PlacementConflict(
            placement_id=placement.id,
            user_id=user.id,
            base_version=base_version,
            server_version=placement.version,
            payload=change.as_json(),
        )
        db.session.add(conflict)
        db.session.flush()
        raise Conflict(
            "The placement changed since your copy; yours is kept as a conflict.", placement, conflict
        )


def _taken(change, placement):
    """True when another placement of the school has this pupil reference and start date."""
    params = {
        "school_id": change.school_id,
        "pupil_ref": change.pupil_ref,
        "start_date": change.start_date,
        "other_than": placement.id if placement is not None else 0,  # ids start at 1
    }
    return db.session.scalar(_TAKEN, params) is not None


_TAKEN = (
    select(Placement.id)
    .where(
        Placement.school_id == bindparam("school_id"),
        Placement.pupil_ref == bindparam("pupil_ref"),
        Placement.start_date == bindparam("start_date", type_=db.Date),
        Placement.id != bindparam("other_than"),
    )
    .limit(1)
)


def _check(change, placement, school, provider, today, taken=None, checks=None):
    """Every rule on the change, as {field path: message}, and the placing check (or None).

    A batch passes `taken` (whether the school already has the pupil reference and start
    date) and `checks` ({provider id: placing_check}) it looked up once for all its rows."""
    errors = rule_errors(change, today)
    if school is None:
        errors["school_id"] = "is not a school we know"
    if provider is None:
        errors["provider_id"] = "is not a provider on the register"
    if taken is None and school is not None and change.start_date:
        taken = _taken(change, placement)
    if school is not None and change.start_date and taken:
        errors["pupil_ref"] = (
            f"{school.name} already has a placement for {change.pupil_ref} starting "
            f"{long_date(change.start_date)}: change that one instead"
        )
    check = None
    if provider is not None and (placement is None or placement.provider_id != provider.id):
        if checks is None:
            check = placing_check(provider, today)
        else:
            if provider.id not in checks:
                checks[provider.id] = placing_check(provider, today)
            check = checks[provider.id]
        if check and not change.placing_reason:
            errors["placing_reason"] = reason_needed(provider, check)
    return errors, check


def new_placement_row(user, change, school, provider, today, taken, checks):
    """The row of a new placement from the change (a dict of its table's columns), refused
    as save_placement refuses a new placement, for a batch (the CSV import) that looks the
    school, the providers and the school's placements up once for all its rows: `taken`
    says whether the school already has a placement with the change's pupil reference and
    start date, `checks` is {provider id: placing_check}, filled as it goes. A new
    placement has no reviews yet. Raises Invalid or Forbidden; add_placements writes the rows."""
    _guard(user, None, change, None, False)
    errors, check = _check(change, None, school, provider, today, taken=taken, checks=checks)
    if change.reviews:
        errors["reviews"] = "a new placement has no reviews yet"
    if errors:
        raise Invalid(errors)
    end = change.end
    ended_on, destination, pupil_assessment = (
        (end.date, end.destination, end.pupil_assessment) if end else (None, None, "")
    )
    return {
        **{name: getattr(change, name) for name in FIELDS},
        "uuid": str(uuid4()),
        "created_by_id": user.id,
        "provider_status_when_placed": check["status"] if check else "quality_assured",
        "ended_on": ended_on,
        "destination": destination,
        "pupil_assessment": pupil_assessment,
    }


def add_placements(rows):
    """Write the rows of new_placement_row in one statement (batches of a thousand on
    PostgreSQL), then re-test their providers once; flushes, never commits."""
    if not rows:
        return
    db.session.flush()
    db.session.execute(insert(Placement.__table__), rows)
    placements_changed({row["provider_id"] for row in rows})


def _store(placement, change):
    """Set the placement's fields, reviews and end from the change; True when any changed."""
    changed = False
    for name in FIELDS:
        value = getattr(change, name)
        if getattr(placement, name) != value:
            setattr(placement, name, value)
            changed = True
    wanted = [tuple(getattr(review, name) for name in REVIEW_FIELDS) for review in change.reviews]
    stored = [tuple(getattr(review, name) for name in REVIEW_FIELDS) for review in placement.reviews]
    if wanted != stored:
        placement.reviews = [PlacementReview(**dict(zip(REVIEW_FIELDS, row, strict=True))) for row in wanted]
        changed = True
    end = change.end
    ending = (end.date, end.destination, end.pupil_assessment) if end else (None, None, "")
    if (placement.ended_on, placement.destination, placement.pupil_assessment) != ending:
        placement.ended_on, placement.destination, placement.pupil_assessment = ending
        changed = True
    return changed


def _locked(canonical):
    """The placement with this uuid and its reviews, its row held to the end of the
    transaction (None when there is none yet)."""
    return db.session.scalar(_LOCKED, {"uuid": canonical})


# A placement by its uuid with its reviews, and the same with its row held: built once.
_BY_UUID = (
    select(Placement).where(Placement.uuid == bindparam("uuid")).options(selectinload(Placement.reviews))
)
_LOCKED = _BY_UUID.with_for_update()


def save_placement(
    user, placement_uuid, change, base_version=None, require_version=False, today=None, notify=True
):
    """Create or change a placement from a PlacementChange; returns (placement, created).

    Raises Invalid (nothing is saved: the caller rolls back), NotFound, Forbidden,
    VersionRequired, or Conflict; on Conflict the losing copy is flushed as a
    PlacementConflict for the caller to commit. With notify=False the caller tells the
    provider's officer and the Head of Access itself (an import, in one email a provider).
    """
    today = today or date.today()
    canonical = valid_uuid(placement_uuid)
    if canonical is None:
        raise Invalid({"uuid": "must be a UUID"})
    placement = _locked(canonical)
    _guard(user, placement, change, base_version, require_version)
    school = db.session.get(School, change.school_id)
    provider = db.session.get(Provider, change.provider_id)
    errors, check = _check(change, placement, school, provider, today)
    if errors:
        raise Invalid(errors)
    created = placement is None
    moved_from = None if created else placement.provider_id
    if created:
        placement = Placement(uuid=canonical, created_by=user, reviews=[])
        db.session.add(placement)
    if check is not None or created or moved_from != provider.id:
        placement.provider_status_when_placed = check["status"] if check else "quality_assured"
    tested_before = None if created else tested_inputs(placement)
    changed = _store(placement, change)
    placement.school, placement.provider = school, provider
    if changed and not created:
        placement.updated_at = utcnow()  # a change to the reviews alone still bumps the version
    db.session.flush()
    if check is not None and notify:
        notify_placing([placement], check)
    if tested_inputs(placement) != tested_before:  # a review or a note alone tests nothing again
        placements_changed({placement.provider_id, moved_from})
    return placement, created
