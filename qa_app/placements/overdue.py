"""What is overdue on a placement (docs/domain.md §2.6), as a rule for one placement and as SQL
for lists.

Four items, for open placements only (an ended placement has nothing left to do):
- a review: more than 6 school weeks since the last review, or since the start when there
  has been none. Six school weeks are counted as 42 calendar days: the app does not know
  each school's holidays, so a review that falls due in a holiday shows as overdue;
- a part-time timetable past its review date;
- a planned end date passed with no end recorded;
- no written confirmation of the provider's safeguarding checks once the start date has
  come (one received after the start is late but held, and no longer something to do).

`overdue_items(placement, today)` reads one placement already loaded with its reviews
(`overdue_with_last_review` one loaded with the date of its last review instead);
`overdue_columns(today)` gives the same answers as SQL columns, so a list of any length
finds them in the one query that lists it. tests/test_overdue.py holds both to the same cases.
"""

from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple

from markupsafe import Markup
from sqlalchemy import and_, func, or_, select

from qa_app.placements.models import Placement, PlacementReview

REVIEW_INTERVAL = timedelta(days=42)  # six school weeks, as calendar days (see above)

OVERDUE = {
    "review": "Review overdue",
    "part_time_review": "Part-time timetable past its review date",
    "planned_end": "Planned end date passed",
    "safeguarding_confirmation": "No written confirmation of safeguarding checks",
}


class OverdueItem(NamedTuple):
    """One thing overdue on a placement, and the day it fell due. A named tuple: a list of
    a thousand placements makes one for most of them, and a tuple is the cheapest to make."""

    kind: str
    due: date

    @property
    def label(self):
        """What is overdue, in words."""
        return OVERDUE[self.kind]


def review_due(placement):
    """The day the next review is due: 42 days after the last review, or after the start."""
    last = max((review.review_date for review in placement.reviews), default=None)
    return (last or placement.start_date) + REVIEW_INTERVAL


def overdue_items(placement, today):
    """What is overdue on this placement today (none once it has ended), in OVERDUE's order."""
    last_review = max((review.review_date for review in placement.reviews), default=None)
    return overdue_with_last_review(placement, last_review, today)


def overdue_with_last_review(placement, last_review, today):
    """overdue_items for a placement loaded without its reviews: `last_review` is the date
    of its latest review, or None when it has had none."""
    if placement.ended_on is not None:
        return []
    items = []
    review_due = (last_review or placement.start_date) + REVIEW_INTERVAL
    if review_due < today:
        items.append(OverdueItem("review", review_due))
    if placement.part_time and placement.part_time_review_date and placement.part_time_review_date < today:
        items.append(OverdueItem("part_time_review", placement.part_time_review_date))
    if placement.planned_end_date < today:
        items.append(OverdueItem("planned_end", placement.planned_end_date))
    if placement.safeguarding_confirmation_received is None and placement.start_date <= today:
        items.append(OverdueItem("safeguarding_confirmation", placement.start_date))
    return items


def last_review_date():
    """SQL: the date of the placement's latest review (NULL if none), correlated to Placement."""
    return (
        select(func.max(PlacementReview.review_date))
        .where(PlacementReview.placement_id == Placement.id)
        .correlate(Placement)
        .scalar_subquery()
    )


@lru_cache(maxsize=4)
def overdue_conditions(today):
    """{kind: SQL condition on Placement}: the twin of overdue_items, kind by kind (made
    once a day, as providers.search.qa_status_conditions)."""
    is_open = Placement.ended_on.is_(None)
    return MappingProxyType(
        {
            "review": and_(
                is_open, func.coalesce(last_review_date(), Placement.start_date) < today - REVIEW_INTERVAL
            ),
            "part_time_review": and_(
                is_open, Placement.part_time.is_(True), Placement.part_time_review_date < today
            ),
            "planned_end": and_(is_open, Placement.planned_end_date < today),
            "safeguarding_confirmation": and_(
                is_open, Placement.safeguarding_confirmation_received.is_(None), Placement.start_date <= today
            ),
        }
    )


def any_overdue(today):
    """SQL condition on Placement: something is overdue on it."""
    return or_(*overdue_conditions(today).values())


def overdue_columns(today):
    """The conditions as labelled boolean columns (`overdue_review`, ...), to select beside
    Placement."""
    return [condition.label(f"overdue_{kind}") for kind, condition in overdue_conditions(today).items()]


# Each overdue item as a tag with its words (never colour alone), made once.
DUE_TAGS = {
    kind: Markup('<strong class="govuk-tag govuk-tag--red app-due-tag">{}</strong> ').format(label)
    for kind, label in OVERDUE.items()
}
NOTHING_DUE = Markup('<span class="app-secondary-text">Nothing overdue</span>')


def due_tags(kinds):
    """The overdue items of one placement (kinds, in OVERDUE's order) as tags: a template
    global, as a list draws one per row."""
    return Markup("").join(DUE_TAGS[kind] for kind in kinds) or NOTHING_DUE


def items_from_row(row):
    """The overdue kinds a row selected with overdue_columns carries, in OVERDUE's order."""
    return [kind for kind in OVERDUE if getattr(row, f"overdue_{kind}")]
