"""What is overdue on a placement: the rule for one placement, and its SQL twin."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from qa_app.auth.models import School
from qa_app.extensions import db
from qa_app.placements.models import Placement, PlacementReview
from qa_app.placements.overdue import (
    OVERDUE,
    any_overdue,
    items_from_row,
    overdue_columns,
    overdue_items,
    review_due,
)

TODAY = date(2026, 12, 1)


def placement(**fields):
    """An open, full-time placement that started 10 days ago with the confirmation held."""
    values = {
        "pupil_ref": "Y10-001",
        "year_group": 10,
        "reason": "at_risk_of_exclusion",
        "start_date": TODAY - timedelta(days=10),
        "planned_end_date": TODAY + timedelta(days=60),
        "days_per_week": 5,
        "hours_per_week": 25,
        "part_time": False,
        "safeguarding_confirmation_received": TODAY - timedelta(days=12),
        "ended_on": None,
    }
    reviews = fields.pop("reviews", [])
    p = Placement(**(values | fields))
    p.reviews = [
        PlacementReview(review_date=day, sessions_possible=10, sessions_attended=9, sessions_unauthorised=1)
        for day in reviews
    ]
    return p


CASES = {
    "nothing due": ({}, []),
    "review due today is not yet overdue": ({"start_date": TODAY - timedelta(days=42)}, []),
    "no review 43 days after the start": (
        {
            "start_date": TODAY - timedelta(days=43),
            "safeguarding_confirmation_received": TODAY - timedelta(days=50),
        },
        ["review"],
    ),
    "last review 43 days ago": (
        {
            "start_date": TODAY - timedelta(days=100),
            "reviews": [TODAY - timedelta(days=80), TODAY - timedelta(days=43)],
        },
        ["review"],
    ),
    "last review 41 days ago": (
        {
            "start_date": TODAY - timedelta(days=100),
            "reviews": [TODAY - timedelta(days=90), TODAY - timedelta(days=41)],
        },
        [],
    ),
    "part-time review passed": (
        {
            "part_time": True,
            "part_time_reason": "Phased return",
            "part_time_review_date": TODAY - timedelta(days=1),
        },
        ["part_time_review"],
    ),
    "part-time review today": (
        {"part_time": True, "part_time_reason": "Phased return", "part_time_review_date": TODAY},
        [],
    ),
    "planned end passed": ({"planned_end_date": TODAY - timedelta(days=1)}, ["planned_end"]),
    "no confirmation on the start day": (
        {"start_date": TODAY, "safeguarding_confirmation_received": None},
        ["safeguarding_confirmation"],
    ),
    "no confirmation before the start": (
        {"start_date": TODAY + timedelta(days=3), "safeguarding_confirmation_received": None},
        [],
    ),
    "confirmation received late is held": (
        {"safeguarding_confirmation_received": TODAY - timedelta(days=2)},
        [],
    ),
    "everything at once": (
        {
            "start_date": TODAY - timedelta(days=200),
            "planned_end_date": TODAY - timedelta(days=5),
            "part_time": True,
            "part_time_reason": "Medical",
            "part_time_review_date": TODAY - timedelta(days=100),
            "safeguarding_confirmation_received": None,
        },
        list(OVERDUE),
    ),
    "ended: nothing": (
        {
            "start_date": TODAY - timedelta(days=200),
            "planned_end_date": TODAY - timedelta(days=5),
            "safeguarding_confirmation_received": None,
            "ended_on": TODAY - timedelta(days=6),
        },
        [],
    ),
}


@pytest.mark.parametrize("fields, expected", CASES.values(), ids=CASES.keys())
def test_overdue_items(fields, expected):
    """Each rule of docs/domain.md §2.6 on one placement (6 school weeks counted as 42 days)."""
    assert [item.kind for item in overdue_items(placement(**fields), TODAY)] == expected


def test_the_review_falls_due_42_days_after_the_last():
    """The due date is given, so a page can say since when a review is overdue."""
    p = placement(start_date=date(2026, 9, 1), reviews=[date(2026, 10, 6)])
    assert review_due(p) == date(2026, 11, 17)
    (item,) = [i for i in overdue_items(p, TODAY) if i.kind == "review"]
    assert item.due == date(2026, 11, 17) and item.label == "Review overdue"


def test_the_sql_twin_agrees_with_the_rule(app, make_provider, make_user):
    """Stored, every case gives the same items through overdue_columns and any_overdue."""
    user = make_user("school", school="Riverside Academy")
    school = db.session.get(School, user.school_id)
    provider = make_provider()
    expected = {}
    for n, (fields, items) in enumerate(CASES.values()):
        p = placement(**fields)
        p.uuid, p.pupil_ref, p.school, p.provider, p.created_by = (
            f"00000000-0000-0000-0000-{n:012d}",
            f"P-{n}",
            school,
            provider,
            user,
        )
        db.session.add(p)
        expected[p.pupil_ref] = items
    db.session.flush()
    rows = db.session.execute(select(Placement.pupil_ref, *overdue_columns(TODAY))).all()
    assert {row.pupil_ref: items_from_row(row) for row in rows} == expected
    flagged = set(db.session.scalars(select(Placement.pupil_ref).where(any_overdue(TODAY))))
    assert flagged == {ref for ref, items in expected.items() if items}
