"""Writing a change onto a visit: its fields, its actions and its judgements (a statement for
each kind of change however many). save_visit (visits/saving.py) checks the change and who
makes it first; these only write, and flush nothing themselves but the judgements."""

from sqlalchemy import delete, insert, inspect, update

from qa_app.extensions import db
from qa_app.visits.models import PER_THEME, SET_AS_SENT, Action, Judgement, Visit, WrittenJudgement


def judgements_after(judged, change):
    """The judgements a visit will have: the change's replace those of its themes."""
    if not change.judged_themes:
        return judged
    kept = {code: value for code, value in judged.items() if code[:2] not in change.judged_themes}
    kept.update({j.criterion: (j.rating, j.evidence) for j in change.judgements})
    return kept


def store_judgements(visit, before, after, version):
    """Write the judgements that changed, a statement for each kind of change whatever
    their number (a whole visit's 41 judgements are one INSERT)."""
    if before == after:
        return
    records = version.criterion_records()
    codes = {c.id: c.code for c in records}
    ids = {codes[j.criterion_id]: j.id for j in visit.judgements}
    criteria = {c.code: c.id for c in records}
    gone = [ids[code] for code in before if code not in after]
    changed = [
        {"id": ids[code], "rating": rating, "evidence": evidence}
        for code, (rating, evidence) in after.items()
        if code in before and before[code] != (rating, evidence)
    ]
    new = [
        {"visit_id": visit.id, "criterion_id": criteria[code], "rating": rating, "evidence": evidence}
        for code, (rating, evidence) in after.items()
        if code not in before
    ]
    if gone:
        db.session.execute(delete(Judgement).where(Judgement.id.in_(gone)))
    if changed:
        db.session.execute(update(Judgement), changed)
    if new:
        db.session.execute(insert(Judgement), new)
    # Read them again, as stored, when next asked for (the deleted ones have left the session);
    # the save's answer (visits/representation.py) takes them as written.
    for judgement in visit.judgements:
        if inspect(judgement).persistent:
            db.session.expire(judgement)
    db.session.expire(visit, ["judgements"])
    visit.written_judgements = [
        WrittenJudgement(criteria[code], rating, evidence) for code, (rating, evidence) in after.items()
    ]


def _merged(current, texts):
    """Theme texts with the change's laid over them; a blank text removes the theme's entry."""
    merged = {**current, **texts}
    return {code: text for code, text in merged.items() if text}


def apply_change(visit, change):
    """Set on the visit the parts the change carries, but for its judgements (store_judgements)."""
    # Assigning an equal value is not a change: SQLAlchemy writes only what differs.
    for name in SET_AS_SENT:
        value = getattr(change, name)
        if value is not None:
            setattr(visit, name, value)
    if change.set_pupils_seen:
        visit.pupils_seen = change.pupils_seen
    for name in PER_THEME:
        texts = getattr(change, name)
        if texts is not None:
            setattr(visit, name, _merged(getattr(visit, name), texts))
    if change.registration_evidence is not None and not visit.is_school_visit:
        visit.registration_evidence = change.registration_evidence.as_stored()
    if change.placement_checks is not None and visit.is_school_visit:
        visit.placement_checks = change.placement_checks
    if change.actions is not None:
        wanted = [(a.description, a.owner, a.due) for a in change.actions]
        if wanted != [
            (a.description, a.owner, a.due) for a in sorted(visit.actions, key=lambda a: a.position)
        ]:
            provider_id = visit.provider.id if visit.provider is not None else None
            school_id = visit.school.id if visit.school is not None else None
            visit.actions = [
                Action(
                    provider_id=provider_id, school_id=school_id, description=d, owner=o, due=due, position=n
                )
                for n, (d, o, due) in enumerate(wanted)
            ]


def new_visit(visit_uuid, provider, officer, version, school=None):
    """An empty visit, its parts set as the table's defaults would be after a flush."""
    return Visit(
        uuid=visit_uuid,
        provider=provider,
        school=school,
        officer=officer,
        framework_version=version,
        status="draft",
        visit_type="scheduled",
        people_met="",
        strengths="",
        pupil_voice="",
        theme_notes={},
        insufficient_reasons={},
        action_outcomes={},
        action_notes={},
        registration_evidence={},
        placement_checks={},
        judgements=[],
        actions=[],
    )
