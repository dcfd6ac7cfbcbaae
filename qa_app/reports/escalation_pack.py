"""What the referral pack of an escalation says: the premises, the registration-test
evidence and result with its explanation, the decisions with their reasons, and the
linked visits, gathered as plain data for reports.pdf."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from qa_app.dates import date_time, long_date, short_date
from qa_app.escalations.models import SOURCES, STATES, EscalationEvent
from qa_app.extensions import db
from qa_app.reports.content import registration_lines
from qa_app.visits.models import VISIT_STATUSES, VISIT_TYPES, Visit


@dataclass(frozen=True)
class Decision:
    """One step of the escalation's timeline."""

    at: str
    who: str
    step: str
    reason: str


@dataclass
class ReferralPack:
    """Everything the pack shows, as plain values."""

    authority: str
    reference: str
    produced_on: date
    state: str
    source: str
    raised: str
    premises: list
    concern: list
    test_lines: list
    pupils: list
    sites: list
    timeline: list = field(default_factory=list)
    visits: list = field(default_factory=list)


def referral_pack(escalation, authority, today=None):
    """Gather the referral pack of an escalation (internal: casework only)."""
    provider, visit = escalation.provider, escalation.visit
    result = escalation.test_result or (visit.registration_result if visit else None)
    evidence = (visit.registration_evidence if visit else None) or {}
    events = db.session.scalars(
        select(EscalationEvent)
        .options(joinedload(EscalationEvent.user))
        .where(EscalationEvent.escalation_id == escalation.id, EscalationEvent.action != "view")
        .order_by(EscalationEvent.at, EscalationEvent.id)
    ).all()
    linked = []
    if provider is not None:
        linked = db.session.scalars(
            select(Visit)
            .options(joinedload(Visit.officer))
            # Signed-off visits only: drafts and visits awaiting sign-off are no one's finding yet.
            .where(Visit.provider_id == provider.id, Visit.status == "signed_off")
            .order_by(Visit.visit_date.desc())
        ).all()
    elif visit is not None:
        linked = [visit]
    return ReferralPack(
        authority=authority,
        reference=escalation.reference,
        produced_on=today or date.today(),
        state=STATES[escalation.state],
        source=SOURCES[escalation.source],
        raised=f"{long_date(escalation.created_at)} by {escalation.reported_by.name}",
        premises=[
            ("Address", escalation.address),
            (
                "Provider on the register",
                f"{provider.name} ({provider.registration_label})"
                if provider
                else "Not known to the authority",
            ),
            ("Sites used", "; ".join(evidence.get("sites") or []) or "Not recorded"),
        ],
        concern=[
            ("What was seen or heard", escalation.description),
            ("How it is known", escalation.how_known or "Not recorded"),
            (
                "Estimated pupils",
                "Not known" if escalation.estimated_pupils is None else str(escalation.estimated_pupils),
            ),
            (
                "Estimated hours a week",
                "Not known" if escalation.estimated_hours is None else f"{escalation.estimated_hours:g}",
            ),
            ("When", escalation.dates_seen or "Not recorded"),
            (
                "Reported to Ofsted",
                f"{long_date(escalation.ofsted_reported_on)}, reference {escalation.ofsted_reference}"
                if escalation.ofsted_reported_on
                else "Not yet",
            ),
        ],
        test_lines=registration_lines(result),
        pupils=evidence.get("pupils") or [],
        sites=evidence.get("sites") or [],
        timeline=[_decision(event) for event in events],
        visits=[
            (
                short_date(v.visit_date),
                VISIT_TYPES[v.visit_type],
                v.officer.name,
                (v.overall_rag or "not rated").title(),
                VISIT_STATUSES[v.status],
            )
            for v in linked
        ],
    )


def _decision(event):
    if event.action == "transition":
        step = f"{STATES[event.from_state]} to {STATES[event.to_state]}"
    else:
        step = {"raise": "Raised", "suspend": "Provider suspended", "unsuspend": "Suspension lifted"}.get(
            event.action, event.action
        )
    return Decision(date_time(event.at), event.user.name, step, event.reason)
