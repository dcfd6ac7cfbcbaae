"""Visit rules shared by the HTML forms, the sync API, the demo data and the tests.

save_visit() is the one way a visit is created or changed. These functions flush but
never commit; the caller commits once.
"""

import copy
import uuid as uuid_module
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from qa_app.auth.models import utcnow
from qa_app.escalations import services as escalations
from qa_app.extensions import db
from qa_app.framework.defaults import THEME_NAMES
from qa_app.framework.models import FrameworkVersion
from qa_app.framework.rating import RATINGS, rate_visit
from qa_app.framework.services import current_version
from qa_app.providers.models import Provider
from qa_app.providers.services import refresh_rating
from qa_app.visits.models import Action, Judgement, Visit, VisitConflict, VisitEvent
from qa_app.visits.payload import PayloadError, parse_visit

EDITABLE = ("draft", "returned")
CREATORS = ("officer", "head_of_access")


class VisitNotFound(LookupError):
    """No such visit, or not one this user may see (both answer 404)."""


class VisitLocked(RuntimeError):
    """The visit is submitted or signed off and can no longer change."""


class VisitConflictError(RuntimeError):
    """The save was based on an old version; the losing copy is kept as `conflict`."""

    def __init__(self, visit, conflict):
        super().__init__(f"Visit {visit.uuid} changed since version {conflict.base_version}")
        self.visit = visit
        self.conflict = conflict


class VisitRuleError(ValueError):
    """A visit that breaks a domain rule; `errors` maps field paths to messages."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class VersionRequired(RuntimeError):
    """An update that does not say which version it changes."""


def valid_uuid(value):
    """The UUID in canonical form, or None."""
    try:
        return str(uuid_module.UUID(str(value)))
    except ValueError:
        return None


# -- reading ---------------------------------------------------------------------------


def with_everything():
    """Loader options that fetch a visit's page in a fixed number of queries."""
    return (
        joinedload(Visit.provider),
        joinedload(Visit.officer),
        joinedload(Visit.framework_version).selectinload(FrameworkVersion.criteria),
        selectinload(Visit.judgements).joinedload(Judgement.criterion),
        selectinload(Visit.actions),
    )


def visible_visit(user, visit_uuid, full=False):
    """The visit if this user may see it, else VisitNotFound.

    An officer sees their own visits; the Head of Access sees every visit.
    """
    visit_uuid = valid_uuid(visit_uuid)
    if visit_uuid is None:
        raise VisitNotFound(visit_uuid)
    query = select(Visit).where(Visit.uuid == visit_uuid)
    if full:
        query = query.options(*with_everything())
    visit = db.session.scalar(query)
    if visit is None or not can_see(user, visit):
        raise VisitNotFound(visit_uuid)
    return visit


def can_see(user, visit):
    """Officers see their own visits; the Head of Access sees all of them."""
    return user.role == "head_of_access" or (user.role == "officer" and visit.officer_id == user.id)


def visit_as_json(visit):
    """The visit as the API returns it (DESIGN.md section 3)."""
    criteria = {j.criterion_id: j.criterion.code for j in visit.judgements}
    return {
        "uuid": visit.uuid,
        "version": visit.version,
        "provider_id": visit.provider_id,
        "visit_date": visit.visit_date.isoformat(),
        "visit_type": visit.visit_type,
        "framework_version": visit.framework_version.name,
        "status": visit.status,
        "people_met": visit.people_met,
        "pupils_seen": visit.pupils_seen,
        "judgements": sorted(
            (
                {"criterion": criteria[j.criterion_id], "rating": j.rating, "evidence": j.evidence}
                for j in visit.judgements
            ),
            key=lambda j: (j["criterion"][:2], int(j["criterion"][2:])),
        ),
        # Copies, so a caller editing the JSON never changes the visit behind SQLAlchemy's back.
        "theme_notes": dict(visit.theme_notes),
        "insufficient_reasons": dict(visit.insufficient_reasons),
        "strengths": visit.strengths,
        "pupil_voice": visit.pupil_voice,
        "actions": [
            {"description": a.description, "owner": a.owner, "due": a.due.isoformat() if a.due else None}
            for a in sorted(visit.actions, key=lambda a: a.position)
        ],
        "action_outcomes": dict(visit.action_outcomes),
        "return_comment": visit.return_comment,
        "theme_rag": {code: rating["rag"] for code, rating in visit.theme_rags.items()},
        "overall_rag": visit.overall_rag,
        "why": {
            **{code: rating["why"] for code, rating in visit.theme_rags.items()},
            "overall": visit.overall_why,
        },
        "registration_evidence": copy.deepcopy(visit.registration_evidence)
        or {"pupil_count": None, "pupils": [], "sites": []},
        "registration_test": copy.deepcopy(visit.registration_result),
    }


def previous_open_actions(provider_id, before_visit_id=None):
    """Open actions from the provider's earlier visits (for marking done or not done)."""
    query = (
        select(Action)
        .join(Visit, Action.visit_id == Visit.id)
        .where(Action.provider_id == provider_id, Action.status == "open", Visit.status == "signed_off")
        .order_by(Action.due.is_(None), Action.due, Action.id)
    )
    if before_visit_id is not None:
        query = query.where(Action.visit_id != before_visit_id)
    return db.session.scalars(query).all()


# -- rating ----------------------------------------------------------------------------


def rate(visit):
    """Store the visit's theme RAGs, overall RAG and why, from its judgements and rules."""
    version = visit.framework_version
    ratings = {j.criterion.code: j.rating for j in visit.judgements}
    themes, overall, why = rate_visit(version.active_criteria(), ratings, version.rules)
    visit.theme_rags = {code: rating.as_dict() for code, rating in themes.items()}
    visit.overall_rag = overall
    visit.overall_why = why
    return themes


def submission_blockers(visit, today=None):
    """What stops the visit being submitted, as {field path: message} (empty when none)."""
    today = today or date.today()
    blockers = {}
    judged = {j.criterion.code: j for j in visit.judgements}
    for criterion in visit.framework_version.active_criteria():
        judgement = judged.get(criterion.code)
        if judgement is None:
            blockers[f"criterion.{criterion.code}"] = f"Judge {criterion.code}: {criterion.text}"
        elif judgement.rating != "met" and not judgement.evidence:
            blockers[f"criterion.{criterion.code}"] = f"Enter the evidence for {criterion.code}"
    for code, rating in visit.theme_rags.items():
        if rating["insufficient_evidence"] and not visit.insufficient_reasons.get(code):
            blockers[f"insufficient_reasons.{code}"] = (
                f"{THEME_NAMES[code]} has insufficient evidence: record why before submitting"
            )
    if visit.visit_date > today:
        blockers["visit_date"] = "A visit in the future cannot be submitted: check the visit date"
    return blockers


# -- saving ----------------------------------------------------------------------------


def _framework_for(visit, name):
    if visit is not None:
        if name and name != visit.framework_version.name:
            raise VisitRuleError(
                {"framework_version": "A visit keeps the framework version it was started under"}
            )
        return visit.framework_version
    if not name:
        version = current_version()
    else:
        version = db.session.scalar(
            select(FrameworkVersion).where(
                FrameworkVersion.name == name, FrameworkVersion.status == "published"
            )
        )
    if version is None:
        raise VisitRuleError({"framework_version": f"{name or 'No'} framework version is in force"})
    return version


def _check_rules(data, version, visit_date_required_past):
    """The domain rules on parsed visit data: evidence, criteria, dates."""
    errors = {}
    criteria = {c.code: c for c in version.active_criteria()}
    for code, judgement in data["judgements"].items():
        if code not in criteria:
            errors[f"{judgement['path']}.criterion"] = (
                f"{code} is not a criterion of framework {version.name}"
            )
        elif judgement["rating"] != "met" and not judgement["evidence"]:
            errors[f"{judgement['path']}.evidence"] = (
                f"Enter the evidence for {code}: it is {RATINGS[judgement['rating']].lower()}"
            )
    for action in data["actions"]:
        if action["due"] and data["visit_date"] and action["due"] < data["visit_date"]:
            errors[f"{action['path']}.due"] = "An action cannot be due before the visit date"
    if visit_date_required_past and data["visit_date"] and data["visit_date"] > date.today():
        errors["visit_date"] = "A visit in the future cannot be submitted: check the visit date"
    return errors


def _snapshot(visit):
    """What the audit trail compares: the visit's JSON without server-made fields."""
    if visit is None or visit.id is None:
        return {}
    data = visit_as_json(visit)
    for key in ("version", "theme_rag", "overall_rag", "why", "registration_test", "uuid", "return_comment"):
        data.pop(key)
    return data


def _changes(before, after):
    """A short, readable list of what changed between two snapshots."""
    changes = []
    for key in after:
        if key == "judgements":
            old = {j["criterion"]: j for j in before.get(key, [])}
            new = {j["criterion"]: j for j in after[key]}
            for code in sorted(set(old) | set(new)):
                was, now = old.get(code), new.get(code)
                if was != now:
                    changes.append(
                        {
                            "field": code,
                            "from": was and RATINGS[was["rating"]],
                            "to": now and RATINGS[now["rating"]],
                        }
                    )
        elif before.get(key) != after[key]:
            changes.append({"field": key})
    return changes


def _apply(visit, data, version):
    criteria = {c.code: c for c in version.criteria}
    visit.visit_date = data["visit_date"]
    visit.visit_type = data["visit_type"]
    visit.people_met = data["people_met"]
    visit.pupils_seen = data["pupils_seen"]
    visit.theme_notes = data["theme_notes"]
    visit.insufficient_reasons = data["insufficient_reasons"]
    visit.strengths = data["strengths"]
    visit.pupil_voice = data["pupil_voice"]
    visit.action_outcomes = data["action_outcomes"]
    visit.registration_evidence = data["registration_evidence"]
    existing = {j.criterion.code: j for j in visit.judgements}
    for code, judgement in existing.items():
        if code not in data["judgements"]:
            visit.judgements.remove(judgement)
    for code, value in data["judgements"].items():
        judgement = existing.get(code)
        if judgement is None:
            judgement = Judgement(criterion=criteria[code])
            visit.judgements.append(judgement)
        judgement.rating = value["rating"]
        judgement.evidence = value["evidence"]
    visit.actions = [
        Action(
            provider_id=visit.provider.id,
            description=a["description"],
            owner=a["owner"],
            due=a["due"],
            position=n,
        )
        for n, a in enumerate(data["actions"])
    ]


def save_visit(user, visit_uuid, body, base_version=None, require_version=True):
    """Create or change a visit from its JSON body; returns (visit, created).

    Raises PayloadError / VisitRuleError (bad input: the caller rolls back so nothing is
    saved), VisitNotFound, PermissionError (a visit the user may read but not change),
    VisitLocked, VersionRequired, or VisitConflictError (the losing copy is flushed as a
    VisitConflict: the caller commits it before answering).
    """
    visit_uuid = valid_uuid(visit_uuid)
    if visit_uuid is None:
        raise PayloadError({"uuid": "must be a UUID"})
    data = parse_visit(body)
    visit = db.session.scalar(select(Visit).where(Visit.uuid == visit_uuid).with_for_update())
    if visit is not None:
        if not can_see(user, visit):
            raise VisitNotFound(visit_uuid)
        if visit.officer_id != user.id:
            raise PermissionError("Only the visit's officer can change it")
        if visit.status not in EDITABLE:
            raise VisitLocked(visit_uuid)
        if base_version is None and require_version:
            raise VersionRequired(visit_uuid)
        if base_version is not None and base_version != visit.version:
            conflict = VisitConflict(
                visit_id=visit.id,
                user_id=user.id,
                base_version=base_version,
                server_version=visit.version,
                payload=body,
            )
            db.session.add(conflict)
            db.session.flush()
            raise VisitConflictError(visit, conflict)
    elif user.role not in CREATORS:
        raise VisitNotFound(visit_uuid)

    version = _framework_for(visit, data["framework_version"])
    provider = db.session.get(Provider, data["provider_id"])
    errors = {}
    if provider is None:
        errors["provider_id"] = "is not a provider on the register"
    elif visit is not None and provider.id != visit.provider_id:
        errors["provider_id"] = "A visit cannot move to another provider"
    errors.update(_check_rules(data, version, data["status"] == "submitted"))
    if errors:
        raise VisitRuleError(errors)

    created = visit is None
    before = _snapshot(visit)
    if created:
        visit = Visit(uuid=visit_uuid, provider=provider, officer=user, framework_version=version)
        db.session.add(visit)
    _apply(visit, data, version)
    rate(visit)
    escalations.check_visit(visit)
    submitting = data["status"] == "submitted"
    if submitting:
        blockers = submission_blockers(visit)
        if blockers:
            raise VisitRuleError(blockers)
        visit.status = "submitted"
        visit.submitted_at = utcnow()
    changes = _changes(before, _snapshot(visit))
    if not created and (changes or submitting):
        # Touch the row itself: a change to judgements or actions alone must still bump
        # the version, or a stale copy from another tab could overwrite it unnoticed.
        visit.updated_at = utcnow()
    db.session.flush()
    if submitting:
        escalations.raise_from_visit(visit, user)
        db.session.flush()
    if created or changes or submitting:
        record_event(visit, user, "create" if created else "submit" if submitting else "change", changes)
    return visit, created


def record_event(visit, user, action, changes=(), comment=""):
    """Add a line to the visit's audit trail (written with the change, when the caller commits)."""
    db.session.add(
        VisitEvent(visit_id=visit.id, user_id=user.id, action=action, changes=list(changes), comment=comment)
    )


def sign_off(user, visit):
    """The Head of Access signs off a submitted visit: it now rates the provider."""
    if visit.status != "submitted":
        raise VisitLocked(f"Only a submitted visit can be signed off (this one is {visit.status})")
    visit.status = "signed_off"
    visit.signed_off_at = utcnow()
    visit.signed_off_by = user
    previous = {str(a.id): a for a in previous_open_actions(visit.provider_id, visit.id)}
    for action_id, outcome in visit.action_outcomes.items():
        action = previous.get(action_id)
        if action is not None:
            action.status = outcome if outcome == "done" else "open"
            if outcome == "done":
                action.closed_by_visit_id = visit.id
    db.session.flush()
    refresh_rating(visit.provider)
    record_event(visit, user, "sign_off")


def return_to_officer(user, visit, comment):
    """The Head of Access sends a submitted visit back to its officer with a comment."""
    comment = (comment or "").strip()
    if visit.status != "submitted":
        raise VisitLocked(f"Only a submitted visit can be returned (this one is {visit.status})")
    if not comment:
        raise VisitRuleError({"comment": "Say what the officer needs to change"})
    visit.status = "returned"
    visit.return_comment = comment
    db.session.flush()
    record_event(visit, user, "return", comment=comment)
