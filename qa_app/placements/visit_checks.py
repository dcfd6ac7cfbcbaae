"""The placements a school visit checks (docs/domain.md §2.7): the school's open placements and
those ended since its last signed-off visit, with what the records say of each. They answer
the school_visit_placements signal, which the save path and check answers send.
"""

from collections import defaultdict, namedtuple
from datetime import date, timedelta

from sqlalchemy import and_, case, func, or_, select, true

from qa_app.extensions import db
from qa_app.placements.models import DESTINATIONS, Placement
from qa_app.placements.overdue import (
    OVERDUE,
    items_from_row,
    last_review_date,
    overdue_columns,
    overdue_with_last_review,
)
from qa_app.providers.models import Provider
from qa_app.signals import school_visit_placements
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


# What a listed placement and its overdue items are made of: the columns alone, which cost
# far less to read than whole rows as objects when a school has hundreds of placements.
LISTED_COLUMNS = [
    getattr(Placement, name)
    for name in (
        "id",
        "uuid",
        "school_id",
        "pupil_ref",
        "year_group",
        "provider_id",
        "start_date",
        "planned_end_date",
        "ended_on",
        "destination",
        "part_time",
        "part_time_review_date",
        "hours_per_week",
        "provider_status_when_placed",
        "safeguarding_confirmation_received",
    )
]


# A listed placement's row: its columns, its provider's name and the date of its last review.
ListedPlacement = namedtuple(
    "ListedPlacement", [column.key for column in LISTED_COLUMNS] + ["provider_name", "last_review"]
)


def _last_signed_off(visits):
    """{school id: [(visit id, date)]} of the signed-off visits of these visits' schools."""
    found = defaultdict(list)
    rows = db.session.connection().execute(
        select(Visit.school_id, Visit.id, Visit.visit_date).where(
            Visit.school_id.in_({v.school_id for v in visits}), Visit.status == "signed_off"
        )
    )
    for school_id, visit_id, visit_date in rows:
        found[school_id].append((visit_id, visit_date))
    return found


def placements_for_many(visits, scope=None, shape=_as_listed):
    """placements_for for many school visits at once (each a Visit, saved or transient,
    with school_id and visit_date), in two queries however many visits, schools and
    placements: [[placement, ...] for each visit], the same lists placements_for gives.
    Only the placements some visit lists are read: the open ones, and those ended since
    the earliest date a visit of their school looks back to. `scope` is a condition on
    Placement (whose placements the reader may see) to add; `shape(placement, provider_name,
    last_review, overdue)` makes each listed placement, by default as placements_for does."""
    wanted = [v for v in visits if v.visit_date is not None]
    if not wanted:
        return [[] for _ in visits]
    signed_off = _last_signed_off(wanted)

    def since(visit):
        earlier = [
            day
            for visit_id, day in signed_off[visit.school_id]
            if day <= visit.visit_date and visit_id != visit.id
        ]
        return max(earlier, default=None) or visit.visit_date - FIRST_VISIT_LOOKBACK

    sinces = {id(v): since(v) for v in wanted}
    looks_back_to = {}
    for visit in wanted:
        looks_back_to[visit.school_id] = min(sinces[id(visit)], looks_back_to.get(visit.school_id, date.max))
    query = (
        select(*LISTED_COLUMNS, Provider.name, last_review_date())
        .join(Provider, Provider.id == Placement.provider_id)
        .where(
            Placement.school_id.in_(looks_back_to),
            Placement.start_date <= max(v.visit_date for v in wanted),
            or_(
                Placement.ended_on.is_(None),
                # The earliest date first: with it, each branch reads a range of the
                # (school_id, ended_on) index; the case then narrows each school's.
                and_(
                    Placement.ended_on >= min(looks_back_to.values()),
                    Placement.ended_on >= case(looks_back_to, value=Placement.school_id),
                ),
            ),
            true() if scope is None else scope,
        )
        .order_by(Placement.ended_on.is_not(None), Placement.start_date, Placement.id)
    )
    # Columns only, through the connection: the ORM's handling of each row would cost more
    # than the rest of this function (nothing is pending here: the bundle is a read).
    rows = db.session.connection().execute(query)
    # Each row once as a named tuple: its fields are read a few dozen times each below, and
    # a tuple's attribute costs a tenth of a result row's.
    by_school = defaultdict(list)
    for placement in map(ListedPlacement._make, rows):
        by_school[placement.school_id].append(placement)
    listed = []
    for visit in visits:
        day = visit.visit_date  # read once: a mapped attribute costs more than the test below
        if day is None:
            listed.append([])
            continue
        since = sinces[id(visit)]
        listed.append(
            [
                shape(
                    placement,
                    placement.provider_name,
                    placement.last_review,
                    [item.kind for item in overdue_with_last_review(placement, placement.last_review, day)],
                )
                for placement in by_school[visit.school_id]
                if placement.start_date <= day and (placement.ended_on is None or placement.ended_on >= since)
            ]
        )
    return listed


school_visit_placements.connect(placements_for)
