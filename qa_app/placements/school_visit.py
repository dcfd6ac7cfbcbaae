"""The placements a school visit checks (DESIGN.md 2.7): the school's open placements and
those ended since its last signed-off visit, with what the records say of each. Registered
with visits.school_placements, which the save path and check answers ask.
"""

from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from qa_app.extensions import db
from qa_app.placements.models import DESTINATIONS, Placement
from qa_app.placements.overdue import (
    OVERDUE,
    items_from_row,
    last_review_date,
    overdue_columns,
    overdue_items,
)
from qa_app.providers.models import Provider
from qa_app.visits import school_placements
from qa_app.visits.models import Visit

# With no earlier signed-off visit, those ended in the year before the visit are listed.
FIRST_VISIT_LOOKBACK = timedelta(days=365)


def since_last_visit(visit):
    """The date of the school's last signed-off visit before this one, else a year back."""
    query = select(func.max(Visit.visit_date)).where(
        Visit.school_id == visit.school_id, Visit.status == "signed_off", Visit.visit_date <= visit.visit_date
    )
    if visit.id is not None:
        query = query.where(Visit.id != visit.id)
    last = db.session.scalar(query)
    return last or visit.visit_date - FIRST_VISIT_LOOKBACK


def placements_for(visit):
    """[{uuid, pupil_ref, provider, ...}] of the school's placements this visit checks, in
    one query: open ones first, each by start date."""
    if visit.visit_date is None:
        return []
    since = since_last_visit(visit)
    rows = db.session.execute(
        select(
            Placement,
            Provider.name,
            last_review_date().label("last_review"),
            *overdue_columns(visit.visit_date),
        )
        .join(Provider, Provider.id == Placement.provider_id)
        .where(
            Placement.school_id == visit.school_id,
            Placement.start_date <= visit.visit_date,
            or_(Placement.ended_on.is_(None), Placement.ended_on >= since),
        )
        .order_by(Placement.ended_on.is_not(None), Placement.start_date, Placement.id)
    ).all()
    return [
        _as_listed(placement, provider_name, last_review, items_from_row(row))
        for row in rows
        for placement, provider_name, last_review in [row[:3]]
    ]


def _as_listed(placement, provider_name, last_review, overdue):
    """One placement as a school visit lists it."""
    return {
        "uuid": placement.uuid,
        "pupil_ref": placement.pupil_ref,
        "year_group": placement.year_group,
        "provider_id": placement.provider_id,
        "provider_name": provider_name,
        "start_date": placement.start_date.isoformat(),
        "ended_on": placement.ended_on.isoformat() if placement.ended_on else None,
        "destination": placement.destination,
        "part_time": placement.part_time,
        "hours_per_week": placement.hours_per_week,
        "provider_status_when_placed": placement.provider_status_when_placed,
        "safeguarding_confirmation_received": (
            placement.safeguarding_confirmation_received.isoformat()
            if placement.safeguarding_confirmation_received
            else None
        ),
        "last_review": last_review.isoformat() if last_review else None,
        "overdue": overdue,
        # The same in words, for the pages that show them.
        "destination_label": DESTINATIONS.get(placement.destination),
        "overdue_labels": [OVERDUE[kind] for kind in overdue],
    }


def placements_for_many(visits):
    """placements_for for many school visits at once (each a Visit, saved or transient,
    with school_id and visit_date), in three queries however many visits and schools:
    [[placement, ...] for each visit], the same lists placements_for gives."""
    wanted = [v for v in visits if v.visit_date is not None]
    if not wanted:
        return [[] for _ in visits]
    school_ids = {v.school_id for v in wanted}
    signed_off = db.session.execute(
        select(Visit.school_id, Visit.id, Visit.visit_date).where(
            Visit.school_id.in_(school_ids), Visit.status == "signed_off"
        )
    ).all()

    def since(visit):
        last = max(
            (
                row.visit_date
                for row in signed_off
                if row.school_id == visit.school_id
                and row.visit_date <= visit.visit_date
                and row.id != visit.id
            ),
            default=None,
        )
        return last or visit.visit_date - FIRST_VISIT_LOOKBACK

    sinces = {id(v): since(v) for v in wanted}
    rows = db.session.execute(
        select(Placement, Provider.name)
        .join(Provider, Provider.id == Placement.provider_id)
        .options(selectinload(Placement.reviews))
        .where(
            Placement.school_id.in_(school_ids),
            Placement.start_date <= max(v.visit_date for v in wanted),
            or_(Placement.ended_on.is_(None), Placement.ended_on >= min(sinces.values())),
        )
        .order_by(Placement.ended_on.is_not(None), Placement.start_date, Placement.id)
    ).all()
    listed = []
    for visit in visits:
        if visit.visit_date is None:
            listed.append([])
            continue
        listed.append(
            [
                _as_listed(
                    placement,
                    provider_name,
                    max((r.review_date for r in placement.reviews), default=None),
                    [item.kind for item in overdue_items(placement, visit.visit_date)],
                )
                for placement, provider_name in rows
                if placement.school_id == visit.school_id
                and placement.start_date <= visit.visit_date
                and (placement.ended_on is None or placement.ended_on >= sinces[id(visit)])
            ]
        )
    return listed


if placements_for not in school_placements.listers:
    school_placements.listers.append(placements_for)
