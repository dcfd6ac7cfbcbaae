"""Visit rules other than saving: reading, rating, what blocks submission, sign-off and return.

Saving is `visits.saving.save_visit`. These functions flush but never commit; the caller
commits once.
"""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from qa_app.dates import utcnow
from qa_app.domain import Forbidden, Invalid, Locked, NotFound, valid_uuid
from qa_app.extensions import db
from qa_app.framework.models import FrameworkVersion
from qa_app.framework.rating import rate_visit, ratings_shown
from qa_app.visits import notify
from qa_app.visits.accuracy import sign_off_blocker
from qa_app.visits.audit import record_event
from qa_app.visits.models import Action, Judgement, Visit
from qa_app.visits.provider_rating import refresh_rating
from qa_app.visits.school_placements import check_blockers, placements_to_check
from qa_app.visits.scopes import may_sign_off, visits_visible_to

# -- reading ---------------------------------------------------------------------------


def with_everything():
    """Loader options that fetch a visit's page in a fixed number of queries."""
    return (
        joinedload(Visit.provider),
        joinedload(Visit.school),
        joinedload(Visit.officer),
        joinedload(Visit.framework_version).selectinload(FrameworkVersion.criteria),
        selectinload(Visit.judgements).joinedload(Judgement.criterion),
        selectinload(Visit.actions),
    )


def visible_visit(user, visit_uuid, full=False):
    """The visit if this user may see it (visits.scopes), else NotFound."""
    visit_uuid = valid_uuid(visit_uuid)
    query = select(Visit).where(Visit.uuid == visit_uuid, visits_visible_to(user))
    visit = visit_uuid and db.session.scalar(query.options(*with_everything()) if full else query)
    if visit is None:
        raise NotFound("No such visit.")
    return visit


def previous_open_actions(provider_id, before_visit_id=None, school_id=None):
    """Open actions from the provider's (or the school's) earlier visits, for marking done
    or not done."""
    whose = Action.school_id == school_id if school_id is not None else Action.provider_id == provider_id
    query = (
        select(Action)
        .join(Visit, Action.visit_id == Visit.id)
        .where(whose, Action.open_from_signed_off())
        .order_by(Action.due.is_(None), Action.due, Action.id)
    )
    if before_visit_id is not None:
        query = query.where(Action.visit_id != before_visit_id)
    return db.session.scalars(query).all()


# -- rating ----------------------------------------------------------------------------


def judged_of(visit):
    """The visit's judgements as {criterion code: (rating, evidence)}."""
    codes = {c.id: c.code for c in visit.framework_version.criterion_records()}
    return {codes[j.criterion_id]: (j.rating, j.evidence) for j in visit.judgements}


def rate(visit, judged=None):
    """Store the visit's theme RAGs, overall RAG and why, from its judgements (or `judged`,
    the {code: (rating, evidence)} it is about to have) and its framework's rules."""
    version = visit.framework_version
    judged = judged_of(visit) if judged is None else judged
    ratings = {code: rating for code, (rating, _) in judged.items()}
    themes, overall, why = rate_visit(version.active_criterion_records(), ratings, version.rules)
    visit.theme_rags = {code: rating.as_dict() for code, rating in themes.items()}
    visit.overall_rag = overall
    visit.overall_why = why
    return themes


# The messages of submission_blockers; blocker_groups tells a missing judgement from missing
# evidence by them (static/js/offline/rating.js has the same words).
NOT_JUDGED = "Judge {code}: {text}"
NO_EVIDENCE = "Enter the evidence for {code}"


def submission_blockers(visit, today=None, judged=None):
    """What stops the visit being submitted, as {field path: message} (empty when none)."""
    today = today or date.today()
    blockers = {}
    judged = judged_of(visit) if judged is None else judged
    for criterion in visit.framework_version.active_criterion_records():
        judgement = judged.get(criterion.code)
        if judgement is None:
            blockers[f"criterion.{criterion.code}"] = NOT_JUDGED.format(
                code=criterion.code, text=criterion.text
            )
        elif judgement[0] != "met" and not judgement[1]:
            blockers[f"criterion.{criterion.code}"] = NO_EVIDENCE.format(code=criterion.code)
    themes = visit.framework_version.themes
    for code, rating in visit.theme_rags.items():
        if rating["insufficient_evidence"] and not visit.insufficient_reasons.get(code):
            blockers[f"insufficient_reasons.{code}"] = (
                f"{themes[code]} has insufficient evidence: record why before submitting"
            )
    if visit.is_school_visit:
        blockers.update(check_blockers(visit, placements_to_check(visit)))
    if visit.visit_date > today:
        blockers["visit_date"] = "A visit in the future cannot be submitted: check the visit date"
    return blockers


def blocker_list(version, blockers):
    """submission_blockers' {key: message} as [{theme, key, message}] in the same order;
    theme is "placements" for a school visit's placement checks, and None for a blocker of
    no theme (the visit date)."""
    themes = {c.code: c.theme for c in version.criteria}
    listed = []
    for key, message in blockers.items():
        kind, _, code = key.partition(".")
        theme = (
            themes.get(code)
            if kind == "criterion"
            else code
            if kind == "insufficient_reasons"
            else "placements"
            if kind == "placement_checks"
            else None
        )
        listed.append({"theme": theme, "key": key, "message": message})
    return listed


def _count(number, one, many):
    return f"{number} {one if number == 1 else many}"


def blocker_groups(version, blockers):
    """The blockers as one line a person can read per theme, in framework order, after the
    visit details: [{theme, title, summary, keys}] (theme None for the visit details)."""
    listed = blocker_list(version, blockers)
    groups = []
    dated = [b["key"] for b in listed if b["theme"] is None]
    if dated:
        groups.append(
            {
                "theme": None,
                "title": "Visit details",
                "summary": "Visit details: the visit date is in the future",
                "keys": dated,
            }
        )
    for code, name in version.themes.items():
        mine = [b for b in listed if b["theme"] == code]
        if not mine:
            continue
        parts = _theme_parts(mine)
        groups.append(
            {
                "theme": code,
                "title": name,
                "summary": f"{name}: {', '.join(parts)}",
                "keys": [b["key"] for b in mine],
            }
        )
    checks = [b["key"] for b in listed if b["theme"] == "placements"]
    if checks:
        groups.append(
            {
                "theme": "placements",
                "title": "Placements",
                "summary": f"Placements: {_count(len(checks), 'answer', 'answers')} still to give",
                "keys": checks,
            }
        )
    return groups


def _theme_parts(mine):
    """What a theme's blockers come to, in a few words each: criteria not judged, criteria
    that need evidence, and insufficient evidence with no reason recorded."""
    criteria = [b for b in mine if b["key"].startswith("criterion.")]
    evidence = [b for b in criteria if b["message"] == NO_EVIDENCE.format(code=b["key"].partition(".")[2])]
    parts = []
    if len(criteria) > len(evidence):
        parts.append(_count(len(criteria) - len(evidence), "criterion", "criteria") + " not judged")
    if evidence:
        parts.append(_count(len(evidence), "criterion needs", "criteria need") + " evidence")
    if len(mine) > len(criteria):
        parts.append("insufficient evidence, record why")
    return parts


def shown_ratings(visit):
    """Each theme's rating and the overall one as a page may show them while the visit is in
    progress (framework.rating.ratings_shown): never "Green so far" with a critical criterion
    unjudged, no overall rating until every theme is judged."""
    version = visit.framework_version
    ratings = {code: rating for code, (rating, _) in judged_of(visit).items()}
    return ratings_shown(version.active_criteria(), ratings, version.rules)


def check_answers(visit, today=None):
    """What check answers shows: the blockers, grouped by theme, and the ratings as shown."""
    blockers = submission_blockers(visit, today)
    return {
        "blockers": blockers,
        "groups": blocker_groups(visit.framework_version, blockers),
        "shown": shown_ratings(visit),
    }


def sign_off(user, visit, today=None):
    """The Head of Access (or a deputy) signs off a submitted visit: it now rates the provider.

    A second person signs off: Forbidden for the visit's own officer."""
    if not may_sign_off(user, visit):
        raise Forbidden(
            "You made this visit, so someone else must sign it off: the Head of Access or a deputy."
            if visit.officer_id == user.id
            else "Only the Head of Access or a deputy signs off visits."
        )
    if visit.status != "submitted":
        raise Locked(f"Only a submitted visit can be signed off (this one is {visit.status})")
    waiting = sign_off_blocker(visit, today or date.today())
    if waiting:
        raise Locked(waiting, code="awaiting_provider")
    visit.status = "signed_off"
    visit.signed_off_at = utcnow()
    visit.signed_off_by = user
    previous = {
        str(a.id): a for a in previous_open_actions(visit.provider_id, visit.id, school_id=visit.school_id)
    }
    for action_id, outcome in visit.action_outcomes.items():
        action = previous.get(action_id)
        if action is not None:
            action.status = outcome if outcome == "done" else "open"
            if outcome == "done":
                action.closed_by_visit_id = visit.id
    db.session.flush()
    if visit.provider is not None:
        refresh_rating(visit.provider)
    record_event(visit, user, "sign_off")
    notify.signed_off(visit)


def return_to_officer(user, visit, comment):
    """The Head of Access sends a submitted visit back to its officer with a comment."""
    comment = (comment or "").strip()
    if not may_sign_off(user, visit):
        raise Forbidden("You made this visit: someone else must sign it off or return it")
    if visit.status != "submitted":
        raise Locked(f"Only a submitted visit can be returned (this one is {visit.status})")
    if not comment:
        raise Invalid({"comment": "Say what the officer needs to change"})
    visit.status = "returned"
    visit.return_comment = comment
    db.session.flush()
    record_event(visit, user, "return", comment=comment)
    notify.returned(visit, user)
