"""The records of other features that name a pupil through their placements: the school visits
that checked them, and the escalations whose registration test across schools counted them."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from qa_app.escalations.models import SOURCES, STATES, Escalation, EscalationEvent
from qa_app.extensions import db
from qa_app.registration.law import LIMB_LABELS, RESULT_LABELS
from qa_app.visits.models import PLACEMENT_CHECKS, VISIT_STATUSES, Visit

ANSWERS = {"yes": "Yes", "no": "No", "not_applicable": "Not applicable"}


def school_visits_checking(school_id, placements):
    """The school's visits whose placement checks name one of the pupil's placements, with
    those checks only (the other pupils' are theirs)."""
    uuids = {p.uuid: p for p in placements}
    if not uuids:
        return []
    visits = db.session.scalars(
        select(Visit)
        .options(joinedload(Visit.officer))
        .where(Visit.school_id == school_id)
        .order_by(Visit.visit_date, Visit.id)
    ).all()
    found = []
    for visit in visits:
        checked = [
            (uuid, visit.placement_checks[uuid]) for uuid in uuids if uuid in (visit.placement_checks or {})
        ]
        if not checked:
            continue
        found.append(
            {
                "visit_date": visit.visit_date,
                "status": VISIT_STATUSES.get(visit.status, visit.status),
                "officer": visit.officer.name,
                "checks": [
                    {
                        "placement": uuid,
                        "provider": uuids[uuid].provider.name,
                        "answers": [
                            {"check": label, "answer": ANSWERS.get(answers.get(code), "Not answered")}
                            for code, label in PLACEMENT_CHECKS.items()
                            if code in answers
                        ],
                        "note": answers.get("note") or "",
                    }
                    for uuid, answers in checked
                ],
            }
        )
    return found


def escalations_naming(placements):
    """Escalations whose registration test across schools counted one of these placements."""
    uuids = {p.uuid for p in placements}
    providers = {p.provider_id for p in placements}
    if not uuids:
        return []
    candidates = db.session.scalars(
        select(Escalation)
        .options(joinedload(Escalation.provider))
        .where(Escalation.provider_id.in_(providers), Escalation.test_result.is_not(None))
        .order_by(Escalation.id)
    ).all()
    found = []
    for escalation in candidates:
        result = _placements_result(escalation)
        named = [entry for entry in result.get("placements") or [] if entry.get("uuid") in uuids]
        if not named:
            continue
        found.append(
            {
                "reference": escalation.reference,
                "provider": escalation.provider.name if escalation.provider else "",
                "source": SOURCES.get(escalation.source, escalation.source),
                "state": STATES.get(escalation.state, escalation.state),
                "raised_at": escalation.created_at,
                "result": RESULT_LABELS.get(result.get("result"), result.get("result") or ""),
                "limb": LIMB_LABELS.get(result.get("limb"), result.get("limb") or ""),
                "tested_on": result.get("tested_on") or "",
                "named_placements": [
                    {"placement": entry["uuid"], "hours_per_week": entry.get("hours_per_week")}
                    for entry in named
                ],
                "states": _states(escalation),
            }
        )
    return found


def _placements_result(escalation):
    """The placements test result the escalation holds (its own, or kept beside another source's)."""
    result = escalation.test_result or {}
    return result if escalation.source == "placements" else result.get("placements_test") or {}


def _states(escalation):
    events = db.session.scalars(
        select(EscalationEvent)
        .where(EscalationEvent.escalation_id == escalation.id, EscalationEvent.action == "transition")
        .order_by(EscalationEvent.at, EscalationEvent.id)
    ).all()
    return [{"at": e.at, "state": STATES.get(e.to_state, e.to_state)} for e in events]
