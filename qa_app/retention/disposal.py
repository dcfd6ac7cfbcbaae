"""Disposing of what `retention.rules.due` lists: each batch deleted with what belongs to it,
one disposal log row per batch (kind, rule, when, how many: nothing personal), and the
anonymised yearly counts of disposed placements by reason.

Deletes go through SQL and the tables' ON DELETE CASCADE: a placement's reviews, endings
(its own columns), marks, alerts, safeguarding confirmation and conflicts; a referral's
history; a visit's judgements, actions (and their answers and evidence), photos, draft
shares, events and conflicts. References from records that stay are cleared first.
Flushes, never commits: the command commits once."""

from sqlalchemy import delete, func, select, update

from qa_app.dates import utcnow
from qa_app.escalations.models import Escalation, EscalationEvent
from qa_app.extensions import db
from qa_app.placements.attendance_totals import refresh_day_totals
from qa_app.placements.models import AttendanceMark, Placement
from qa_app.referrals.models import Referral
from qa_app.retention.models import Disposal, DisposedPlacementCount
from qa_app.retention.rules import academic_year_of, held_ids
from qa_app.visits.models import Action, Visit

CHUNK = 500


def _chunks(ids):
    """`ids` in lists short enough for one IN (...) on every database."""
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _escalations(ids):
    """Escalations and their history."""
    db.session.execute(delete(EscalationEvent).where(EscalationEvent.escalation_id.in_(ids)))
    return db.session.execute(delete(Escalation).where(Escalation.id.in_(ids))).rowcount


def _referrals(ids):
    """Referrals; their history goes with them."""
    return db.session.execute(delete(Referral).where(Referral.id.in_(ids))).rowcount


def _placements(ids):
    """Placements with their reviews, marks and the rest; a referral that stays keeps no link
    to them, the days' attendance totals are recounted without them, and each is counted in
    the yearly figures by reason."""
    days = db.session.execute(
        select(AttendanceMark.day, AttendanceMark.provider_id)
        .where(AttendanceMark.placement_id.in_(ids))
        .distinct()
    ).all()
    db.session.execute(update(Referral).where(Referral.placement_id.in_(ids)).values(placement_id=None))
    counts = db.session.execute(
        select(Placement.start_date, Placement.reason).where(Placement.id.in_(ids))
    ).all()
    for start, reason in counts:
        _count_placement(academic_year_of(start), reason)
    gone = db.session.execute(delete(Placement).where(Placement.id.in_(ids))).rowcount
    for day, provider_id in days:
        refresh_day_totals(day, provider_id)
    return gone


def _count_placement(year, reason):
    """Add one to the disposed placements of an academic year (as "2025-26") and reason."""
    key = f"{year}-{(year + 1) % 100:02d}"
    row = db.session.get(DisposedPlacementCount, (key, reason))
    if row is None:
        row = DisposedPlacementCount(academic_year=key, reason=reason, count=0)
        db.session.add(row)
    row.count += 1


def _visits(ids):
    """Visits with everything recorded on them; actions they closed stay, open again to no visit."""
    db.session.execute(
        update(Action).where(Action.closed_by_visit_id.in_(ids)).values(closed_by_visit_id=None)
    )
    return db.session.execute(delete(Visit).where(Visit.id.in_(ids))).rowcount


DELETERS = {"escalation": _escalations, "referral": _referrals, "placement": _placements, "visit": _visits}


def dispose(batches):
    """Delete every batch's records not held (the holds read again, in this transaction) and
    log each batch that deleted any; the rows logged, in order."""
    logged = []
    now = utcnow()
    for batch in batches:
        held = held_ids(batch.kind)
        ids = [record_id for record_id in batch.ids if record_id not in held]
        count = sum(DELETERS[batch.kind](chunk) for chunk in _chunks(ids))
        if count:
            entry = Disposal(record_kind=batch.kind, rule=batch.rule, disposed_at=now, count=count)
            db.session.add(entry)
            logged.append(entry)
    db.session.flush()
    db.session.expire_all()
    return logged


def disposals_page(page, per_page=50):
    """The disposal log, newest first, a page at a time."""
    return db.paginate(
        select(Disposal).order_by(Disposal.disposed_at.desc(), Disposal.id.desc()),
        page=page,
        per_page=per_page,
        error_out=False,
    )


def disposed_placement_counts():
    """The anonymised counts of disposed placements, by academic year and reason."""
    return (
        db.session.execute(
            select(DisposedPlacementCount).order_by(
                DisposedPlacementCount.academic_year, DisposedPlacementCount.reason
            )
        )
        .scalars()
        .all()
    )


def total_disposed():
    """How many records have been disposed of in all."""
    return db.session.scalar(select(func.coalesce(func.sum(Disposal.count), 0)))
