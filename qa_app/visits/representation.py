"""A visit as the API shows it (docs/domain.md §3): made in one place, from the model."""

import copy

from sqlalchemy import inspect, select

from qa_app.extensions import db
from qa_app.framework.defaults import ALL_THEME_CODES
from qa_app.visits.models import PER_THEME, SET_AS_SENT, Judgement
from qa_app.visits.schemas import VisitChange


def _criterion_order(code):
    return (ALL_THEME_CODES.index(code[:2]) if code[:2] in ALL_THEME_CODES else 99, int(code[2:] or 0))


def _judgements(visit):
    """The visit's judgements as loaded; when they are not, those a save has just written
    (store_judgements), or else their columns read in one query rather than as ORM objects."""
    if "judgements" not in inspect(visit).unloaded:
        return visit.judgements
    if visit.written_judgements is not None:
        return visit.written_judgements
    return db.session.execute(
        select(Judgement.criterion_id, Judgement.rating, Judgement.evidence).where(
            Judgement.visit_id == visit.id
        )
    ).all()


def visit_as_json(visit, judgements=None):
    """The visit as `GET /api/visits/<uuid>` returns it, with what the server worked out.
    `judgements`: its judgements' (criterion_id, rating, evidence), when the caller read
    them already (the offline bundle reads every editable visit's in one query)."""
    written = visit.written_parts()
    written["visit_date"] = visit.visit_date.isoformat()
    return {
        "uuid": visit.uuid,
        "version": visit.version,
        "provider_id": visit.provider_id,
        "framework_version": visit.framework_version.name,
        "status": visit.status,
        **written,
        "judgements": _judgements_json(visit, _judgements(visit) if judgements is None else judgements),
        "actions": _actions_json(visit),
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
        # A school visit (docs/domain.md §2.7) names its school and carries its placement checks.
        **(
            {"school_id": visit.school_id, "placement_checks": copy.deepcopy(visit.placement_checks)}
            if visit.is_school_visit
            else {}
        ),
    }


def _judgements_json(visit, judgements):
    """The visit's judgements, each with its criterion's code, in the framework's order."""
    codes = {c.id: c.code for c in visit.framework_version.criterion_records()}
    return sorted(
        (
            {"criterion": codes[j.criterion_id], "rating": j.rating, "evidence": j.evidence}
            for j in judgements
        ),
        key=lambda j: _criterion_order(j["criterion"]),
    )


def _actions_json(visit):
    """The visit's actions in the order the officer put them."""
    return [
        {"description": a.description, "owner": a.owner, "due": a.due.isoformat() if a.due else None}
        for a in sorted(visit.actions, key=lambda a: a.position)
    ]


def body_with_change(body, change: VisitChange):
    """A visit body with a page's change laid over it: the copy kept when that change loses
    to a newer version (the conflict page shows it beside the stored visit)."""
    body = copy.deepcopy(body)
    for name in SET_AS_SENT:
        value = getattr(change, name)
        if value is not None:
            body[name] = value.isoformat() if name == "visit_date" else value
    if change.set_pupils_seen:
        body["pupils_seen"] = change.pupils_seen
    for name in PER_THEME:
        for code, text in (getattr(change, name) or {}).items():
            body.setdefault(name, {})[code] = text
    if change.judged_themes:
        kept = [j for j in body.get("judgements", []) if j["criterion"][:2] not in change.judged_themes]
        body["judgements"] = kept + [j.model_dump() for j in change.judgements]
    if change.actions is not None:
        body["actions"] = [a.model_dump(mode="json") for a in change.actions]
    if change.registration_evidence is not None:
        body["registration_evidence"] = change.registration_evidence.as_stored()
    if change.placement_checks is not None and "school_id" in body:
        body["placement_checks"] = copy.deepcopy(change.placement_checks)
    return body
