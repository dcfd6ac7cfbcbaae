"""What a subject access pack holds: everything recorded about one pupil reference at one
school, gathered as plain values for the JSON file and for reports.pdf.

The pupil is matched by the school and its reference (case and spaces aside), never by the
reference alone: the same reference at another school is another child. What names the pupil:
- their placements at that school, with reviews, the ending, the provider's safeguarding
  confirmation, attendance marks and attendance alerts;
- the school's referrals of that reference to the Gateway panel, with their history;
- the school visits whose placement checks name one of those placements (only those checks);
- the escalations whose registration test across schools counted one of those placements.
  An escalation's own words and decisions are about a provider and name other pupils, so the
  pack gives what names this pupil and the escalation's states, and says where the rest is.
"""

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from qa_app.alerts.models import KINDS as ALERT_KINDS
from qa_app.alerts.models import OUTCOMES as ALERT_OUTCOMES
from qa_app.alerts.models import AttendanceAlert
from qa_app.extensions import db
from qa_app.framework.rating import QA_STATUSES
from qa_app.placements.models import (
    COMMISSIONERS,
    DECISIONS,
    DESTINATIONS,
    MARK_SOURCES,
    MARKS,
    REASONS,
    SESSIONS,
    AttendanceMark,
    Placement,
)
from qa_app.referrals.models import (
    CAF_STATES,
    EP_ASSESSMENTS,
    EVENTS,
    OUTCOMES,
    REQUESTS,
    STATUSES,
    Referral,
    ReferralEvent,
)
from qa_app.subject_access.links import escalations_naming, school_visits_checking


def same_pupil(column, pupil_ref):
    """SQL: the column holds this reference, whatever its case or surrounding spaces."""
    return func.upper(func.trim(column)) == pupil_ref.strip().upper()


def gather(request):
    """Everything held about the request's pupil at its school, as a dict of plain values
    (dates and datetimes as such; the JSON export writes them as ISO 8601)."""
    placements = db.session.scalars(
        select(Placement)
        .options(
            joinedload(Placement.provider),
            joinedload(Placement.created_by),
            selectinload(Placement.reviews),
            joinedload(Placement.safeguarding_confirmation),
        )
        .where(Placement.school_id == request.school_id, same_pupil(Placement.pupil_ref, request.pupil_ref))
        .order_by(Placement.start_date, Placement.id)
    ).all()
    ids = [p.id for p in placements]
    marks = _by_placement(
        db.session.scalars(
            select(AttendanceMark)
            .where(AttendanceMark.placement_id.in_(ids))
            .order_by(AttendanceMark.day, AttendanceMark.session)
        )
    )
    alerts = _by_placement(
        db.session.scalars(
            select(AttendanceAlert)
            .options(joinedload(AttendanceAlert.outcome_by))
            .where(AttendanceAlert.placement_id.in_(ids))
            .order_by(AttendanceAlert.day, AttendanceAlert.session)
        )
    )
    return {
        "pupil": {"school": request.school.name, "pupil_ref": request.pupil_ref},
        "placements": [_placement(p, marks.get(p.id, []), alerts.get(p.id, [])) for p in placements],
        "referrals": _referrals(request),
        "school_visits": school_visits_checking(request.school_id, placements),
        "escalations": escalations_naming(placements),
    }


def counts(pack):
    """How many records of each kind the pack holds (kept with each production)."""
    placements = pack["placements"]
    return {
        "placements": len(placements),
        "reviews": sum(len(p["reviews"]) for p in placements),
        "endings": sum(1 for p in placements if p["ending"]),
        "attendance_marks": sum(len(p["attendance"]["marks"]) for p in placements),
        "attendance_alerts": sum(len(p["attendance_alerts"]) for p in placements),
        "referrals": len(pack["referrals"]),
        "school_visits": len(pack["school_visits"]),
        "escalations": len(pack["escalations"]),
    }


def _by_placement(rows):
    grouped = {}
    for row in rows:
        grouped.setdefault(row.placement_id, []).append(row)
    return grouped


def _placement(p, marks, alerts):
    return {
        "id": p.uuid,
        "provider": p.provider.name,
        "year_group": p.year_group,
        "ehc_plan": p.ehc_plan,
        "sen_support": p.sen_support,
        "looked_after": p.looked_after,
        "commissioned_by": COMMISSIONERS.get(p.commissioned_by, p.commissioned_by),
        "reason": REASONS.get(p.reason, p.reason),
        "start_date": p.start_date,
        "planned_end_date": p.planned_end_date,
        "days_per_week": p.days_per_week,
        "hours_per_week": p.hours_per_week,
        "weeks_per_year": p.weeks_per_year,
        "part_time": p.part_time,
        "part_time_reason": p.part_time_reason,
        "part_time_review_date": p.part_time_review_date,
        "attendance_code": p.attendance_code,
        "safeguarding_confirmation_received": p.safeguarding_confirmation_received,
        "objectives": p.objectives,
        "reintegration_timeline": p.reintegration_timeline,
        "provider_status_when_placed": QA_STATUSES.get(
            p.provider_status_when_placed, p.provider_status_when_placed
        ),
        "placing_reason": p.placing_reason,
        "recorded_by": p.created_by.name,
        "recorded_at": p.created_at,
        "reviews": [_review(r) for r in p.reviews],
        "ending": _ending(p),
        "safeguarding_confirmation": _confirmation(p.safeguarding_confirmation),
        "attendance": _attendance(marks),
        "attendance_alerts": [_alert(a) for a in alerts],
    }


def _review(r):
    return {
        "review_date": r.review_date,
        "sessions_possible": r.sessions_possible,
        "sessions_attended": r.sessions_attended,
        "sessions_unauthorised": r.sessions_unauthorised,
        "progress": r.progress,
        "achievements": r.achievements,
        "pupil_view": r.pupil_view,
        "parent_view": r.parent_view,
        "decision": DECISIONS.get(r.decision, r.decision),
    }


def _ending(p):
    if p.ended_on is None:
        return None
    return {
        "ended_on": p.ended_on,
        "destination": DESTINATIONS.get(p.destination, p.destination or ""),
        "pupil_assessment": p.pupil_assessment,
    }


def _confirmation(confirmation):
    if confirmation is None:
        return None
    return {
        "enhanced_dbs": confirmation.enhanced_dbs,
        "single_central_record": confirmation.single_central_record,
        "dsl_name": confirmation.dsl_name,
        "confirmed_at": confirmation.confirmed_at,
    }


def _attendance(marks):
    return {
        "summary": dict(Counter(MARKS[m.mark] for m in marks)),
        "marks": [
            {
                "day": m.day,
                "session": SESSIONS[m.session],
                "mark": MARKS[m.mark],
                "source": MARK_SOURCES.get(m.source, m.source),
                "recorded_at": m.recorded_at,
            }
            for m in marks
        ],
    }


def _alert(a):
    return {
        "day": a.day,
        "session": SESSIONS.get(a.session, a.session),
        "kind": ALERT_KINDS.get(a.kind, a.kind),
        "raised_at": a.raised_at,
        "outcome": ALERT_OUTCOMES.get(a.outcome, "") if a.outcome else "",
        "outcome_note": a.outcome_note,
        "outcome_by": a.outcome_by.name if a.outcome_by else "",
        "outcome_at": a.outcome_at,
    }


def _referrals(request):
    referrals = db.session.scalars(
        select(Referral)
        .options(joinedload(Referral.provider), selectinload(Referral.events).joinedload(ReferralEvent.user))
        .where(Referral.school_id == request.school_id, same_pupil(Referral.pupil_ref, request.pupil_ref))
        .order_by(Referral.created_at, Referral.id)
    ).all()
    return [_referral(r) for r in referrals]


def _referral(r):
    return {
        "id": r.id,
        "status": STATUSES.get(r.status, r.status),
        "year_group": r.year_group,
        "ehc_plan": r.ehc_plan,
        "sen_support": r.sen_support,
        "looked_after": r.looked_after,
        "asked_for": REQUESTS.get(r.asked_for, r.asked_for),
        "needs": r.needs,
        "what_has_happened": r.what_has_happened,
        "isat_involved": r.isat_involved,
        "isat_advice": r.isat_advice,
        "ep_assessment": EP_ASSESSMENTS.get(r.ep_assessment, r.ep_assessment),
        "social_care_involved": r.social_care_involved,
        "caf": CAF_STATES.get(r.caf, r.caf),
        "caf_refusal_evidence": r.caf_refusal_evidence,
        "caf_refusal_actions": r.caf_refusal_actions,
        "senco_involved": r.senco_involved,
        "interventions": r.interventions,
        "urgent": r.urgent,
        "urgent_reason": r.urgent_reason,
        "sent_at": r.sent_at,
        "outcome": OUTCOMES.get(r.outcome, "") if r.outcome else "",
        "decision_reason": r.decision_reason,
        "information_needed": r.information_needed,
        "signposted_to": r.signposted_to,
        "provider": r.provider.name if r.provider else "",
        "decided_at": r.decided_at,
        "created_at": r.created_at,
        "history": [
            {"at": e.at, "who": e.user.name, "what": EVENTS.get(e.action, e.action), "comment": e.comment}
            for e in r.events
        ],
    }
