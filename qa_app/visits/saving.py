"""save_visit(): the one way a visit is created or changed, from a typed VisitChange.

The HTML pages build the change from their form; the sync API reads its body into the
same type. Both come here, so a visit saved offline obeys the rules of one saved online.
These functions flush but never commit; the caller commits once.
"""

from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from qa_app.auth.models import School
from qa_app.dates import utcnow
from qa_app.domain import (
    AlreadyOpen,
    Conflict,
    Forbidden,
    Invalid,
    Locked,
    NotFound,
    VersionRequired,
    valid_uuid,
)
from qa_app.extensions import db
from qa_app.framework.models import FrameworkVersion
from qa_app.framework.rating import RATINGS
from qa_app.framework.services import current_version
from qa_app.providers.models import Provider
from qa_app.registration.services import check_visit
from qa_app.row_locks import lock_row
from qa_app.visits import audit
from qa_app.visits.accuracy import may_correct
from qa_app.visits.applying import apply_change, judgements_after, new_visit, store_judgements
from qa_app.visits.models import OWNERS_BY_KIND, Visit, VisitConflict
from qa_app.visits.school_placements import check_problems, placements_to_check
from qa_app.visits.scopes import (
    EDITABLE_VISIT_STATES,
    can_edit_visit,
    can_see_visit,
    may_start_visit,
    may_visit_school,
)
from qa_app.visits.services import judged_of, rate, submission_blockers


def _locked_visit(visit_uuid):
    """The stored visit, locked for this transaction, with what a save reads."""
    return db.session.scalar(_LOCKED_VISIT, {"uuid": visit_uuid})


# Statements every save runs, built once (docs/architecture.md, "Statements built once").
_LOCKED_VISIT = (
    select(Visit)
    .where(Visit.uuid == bindparam("uuid"))
    # Judgements without their criteria: the save reads codes from criterion_records().
    .options(selectinload(Visit.judgements), selectinload(Visit.actions))
    .with_for_update()
)
_PUBLISHED_NAMED = select(FrameworkVersion).where(
    FrameworkVersion.name == bindparam("name"),
    FrameworkVersion.status == "published",
    FrameworkVersion.kind == bindparam("kind"),
)


def _framework_for(visit, name, kind):
    """The version a visit is made under: its own once started, else the one named or in
    force for its kind (provider or school visits)."""
    if visit is not None:
        if name and name != visit.framework_version.name:
            raise Invalid({"framework_version": "A visit keeps the framework version it was started under"})
        return visit.framework_version
    version = (
        db.session.scalar(_PUBLISHED_NAMED, {"name": name, "kind": kind}) if name else current_version(kind)
    )
    if version is None:
        what = "school visits'" if kind == "school" else "framework"
        raise Invalid({"framework_version": f"{name or 'No'} {what} version is in force"})
    return version


def _check_judgements(change, version, errors):
    criteria = {c.code: c for c in version.active_criterion_records()}
    seen = set()
    for index, judgement in enumerate(change.judgements):
        path, code = f"judgements[{index}]", judgement.criterion
        if code in seen:
            errors[f"{path}.criterion"] = f"{code} is judged twice"
        elif code not in criteria or criteria[code].theme not in change.judged_themes:
            errors[f"{path}.criterion"] = f"{code} is not a criterion of framework {version.name}"
        elif judgement.rating != "met" and not judgement.evidence:
            errors[f"{path}.evidence"] = (
                f"Enter the evidence for {code}: it is {RATINGS[judgement.rating].lower()}"
            )
        seen.add(code)


def _check_registration(evidence, errors):
    path = "registration_evidence"
    refs = set()
    for index, pupil in enumerate(evidence.pupils):
        if pupil.ref in refs:
            errors[f"{path}.pupils[{index}].ref"] = f"{pupil.ref} is listed twice"
        refs.add(pupil.ref)
    if evidence.pupil_count is not None and evidence.pupil_count != len(evidence.pupils):
        errors[f"{path}.pupil_count"] = (
            f"says {evidence.pupil_count} pupils but {len(evidence.pupils)} are listed: list each pupil"
        )


def may_not_visit(school):
    """What an officer is told of a school they may not visit."""
    return f"You may not visit {school.name}: only its link officer or the Head of Access can"


def _check_visited(change, visit, provider, school, user, errors):
    """A visit is to one provider or one school this officer may visit, and stays there."""
    if visit is None and change.school_id is not None and change.provider_id is not None:
        errors["school_id"] = "A visit is to a provider or to a school, not both"
    elif school is not None or change.school_id is not None:
        if school is None:
            errors["school_id"] = "is not a school the authority knows"
        elif visit is not None and (visit.school_id != school.id or change.provider_id is not None):
            errors["school_id"] = "A visit cannot move to another school"
        elif visit is None and user is not None and not may_visit_school(user, school):
            errors["school_id"] = may_not_visit(school)
    elif provider is None:
        errors["provider_id"] = "is not a provider on the register"
    elif visit is not None and provider.id != visit.provider_id:
        errors["provider_id"] = "A visit cannot move to another provider"


def check_rules(change, visit, version, provider, school=None, user=None):
    """The domain rules on a change, as {field path: message}; empty when it may be saved."""
    errors = {}
    _check_visited(change, visit, provider, school, user, errors)
    _check_judgements(change, version, errors)
    visit_date = change.visit_date or (visit.visit_date if visit is not None else None)
    if visit_date is None:
        errors["visit_date"] = "is required (a date like 2026-11-20)"
    kind = "school" if school is not None else "provider"
    owners = OWNERS_BY_KIND[kind]
    for index, action in enumerate(change.actions or ()):
        if action.due and visit_date and action.due < visit_date:
            errors[f"actions[{index}].due"] = "An action cannot be due before the visit date"
        if action.owner not in owners:
            errors[f"actions[{index}].owner"] = (
                f"A {kind} visit's action is for the {kind} or the local authority"
            )
    if change.registration_evidence is not None:
        _check_registration(change.registration_evidence, errors)
    if change.placement_checks and school is None:
        errors["placement_checks"] = "Only a school visit checks placements"
    if change.submit and visit_date and visit_date > date.today():
        errors["visit_date"] = "A visit in the future cannot be submitted: check the visit date"
    return errors


def _guard(user, visit, visit_uuid, base_version, require_version, kept_copy, correction=""):
    """Refuse a save this user may not make, or one based on an old version (kept as a conflict).

    A correction (a provider's comment on a matter of fact, accepted) changes a submitted
    visit: its officer, or the Head of Access, may make it."""
    if visit is None:
        if not may_start_visit(user) or correction:
            raise NotFound("No such visit.")
        return
    if not can_see_visit(user, visit):
        raise NotFound("No such visit.")
    if correction and visit.status == "submitted" and may_correct(user, visit):
        pass
    elif not can_edit_visit(user, visit):
        if visit.officer_id != user.id:
            raise Forbidden("Only the visit's officer can change it")
        raise Locked("This visit is submitted and can no longer change.")
    if base_version is None and require_version:
        raise VersionRequired('Send If-Match: "<version>" to change a visit.')
    if base_version is not None and base_version != visit.version:
        conflict = VisitConflict(
            visit_id=visit.id,
            user_id=user.id,
            base_version=base_version,
            server_version=visit.version,
            payload=kept_copy(visit),
        )
        db.session.add(conflict)
        db.session.flush()
        raise Conflict("The visit changed since your copy; yours is kept as a conflict.", visit, conflict)


def _visited(visit, change):
    """(provider, school) of the visit: its own once started, else the ones the change names."""
    if visit is not None:
        provider, school = visit.provider, visit.school
        if change.provider_id not in (None, visit.provider_id):
            provider = db.session.get(Provider, change.provider_id)
        return provider, school
    if change.school_id is not None:
        return None, db.session.get(School, change.school_id)
    return db.session.get(Provider, change.provider_id or 0), None


OPEN_VISIT_MESSAGE = (
    "You already have a visit to {name} in progress. Continue that visit rather than start another."
)


def refuse_second_open_visit(user, provider, school):
    """One open visit (draft or returned) per officer and place: raise AlreadyOpen, naming
    the open one, before a second is made. The place's row is held until the transaction
    ends, so two starts at the same moment take turns and the second finds the first."""
    place = school if school is not None else provider
    if place is None:
        return
    lock_row(type(place), place.id)
    statement = _OPEN_AT_SCHOOL if school is not None else _OPEN_AT_PROVIDER
    open_uuid = db.session.scalar(statement, {"place_id": place.id, "officer_id": user.id})
    if open_uuid is not None:
        raise AlreadyOpen(OPEN_VISIT_MESSAGE.format(name=place.name), open_uuid)


def _open_at(column):
    """The newest open visit (draft or returned) of an officer at a place, by its column."""
    return (
        select(Visit.uuid)
        .where(
            column == bindparam("place_id"),
            Visit.officer_id == bindparam("officer_id"),
            Visit.status.in_(EDITABLE_VISIT_STATES),
        )
        .order_by(Visit.visit_date.desc(), Visit.id.desc())
        .limit(1)
    )


_OPEN_AT_SCHOOL = _open_at(Visit.school_id)
_OPEN_AT_PROVIDER = _open_at(Visit.provider_id)


def save_visit(
    user, visit_uuid, change, base_version=None, require_version=True, kept_copy=None, correction=""
):
    """Create or change a visit from a VisitChange; returns (visit, created).

    Raises Invalid (nothing is saved: the caller rolls back), NotFound, Forbidden,
    Locked, VersionRequired, AlreadyOpen (a new visit where the officer has one open), or
    Conflict; on Conflict the losing copy, made by
    `kept_copy(visit)`, is flushed as a VisitConflict for the caller to commit.
    `correction` says why a submitted visit is changed (a provider's comment accepted): the
    visit stays submitted and its history records the reason.
    """
    visit_uuid = valid_uuid(visit_uuid)
    if visit_uuid is None:
        raise Invalid({"uuid": "must be a UUID"})
    visit = _locked_visit(visit_uuid)
    _guard(
        user, visit, visit_uuid, base_version, require_version, kept_copy or (lambda visit: {}), correction
    )
    if correction and change.submit:
        raise Invalid({"status": "A correction leaves the visit as it is: submitted"})
    provider, school = _visited(visit, change)
    version = _framework_for(
        visit, change.framework_version, "school" if school or change.school_id else "provider"
    )
    errors = check_rules(change, visit, version, provider, school, user)
    errors.update(_placement_check_problems(visit, change, school))
    if errors:
        raise Invalid(errors)
    if visit is None:
        refuse_second_open_visit(user, provider, school)

    created = visit is None
    judged_before = {} if created else judged_of(visit)
    judged = judgements_after(judged_before, change)
    before = audit.snapshot(visit, judged_before)
    if created:
        visit = new_visit(visit_uuid, provider, user, version, school)
        db.session.add(visit)
    apply_change(visit, change)
    rate(visit, judged)
    if not visit.is_school_visit:
        check_visit(visit)
    if change.submit:
        blockers = submission_blockers(visit, judged=judged)
        if blockers:
            raise Invalid(blockers)
        visit.status, visit.submitted_at = "submitted", utcnow()
    found = audit.changes(before, audit.snapshot(visit, judged))
    if not created and found:
        # Touch the row itself: a change to judgements or actions alone must still bump
        # the version, or a stale copy from another tab could overwrite it unnoticed.
        visit.updated_at = utcnow()
    db.session.flush()
    store_judgements(visit, judged_before, judged, version)
    _record(visit, user, created, change.submit, found, correction)
    return visit, created


def _placement_check_problems(visit, change, school):
    """A school visit's answers about the placements it checks, tested against them."""
    if school is None or not change.placement_checks:
        return {}
    probe = visit or Visit(school=school, school_id=school.id, visit_date=change.visit_date)
    return check_problems(probe, change.placement_checks, placements_to_check(probe))


def _record(visit, user, created, submitted, found, correction):
    """The visit's history: a correction with its reason, or what was created or changed."""
    if correction:
        audit.record_event(visit, user, "correct", found, comment=correction)
    elif created or found:
        audit.record_event(visit, user, "create" if created else "submit" if submitted else "change", found)
