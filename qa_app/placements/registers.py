"""Which pupils a provider expects on a school day (docs/domain.md §2.10).

A school day is a working day (not a weekend or an England and Wales bank holiday) outside
the authority's school holidays (config SCHOOL_HOLIDAYS). A placement's pupil is expected on
a school day from its start date to its end: the day the end was recorded, or else its
planned end date. A placement of no days a week expects nobody.

A placement records how many days a week the pupil attends, not which days, so a pupil on a
part-time timetable is listed on every school day of the placement and the provider marks
the days off as not expected.

`expected_on(day)` is a SQL condition on Placement, so one query finds the expected pupils of
one provider, one school or the whole authority.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from qa_app.auth.models import School
from qa_app.dates import is_working_day
from qa_app.extensions import db
from qa_app.placements.models import Placement


def _holidays():
    return current_app.config.get("SCHOOL_HOLIDAYS") or ()


def is_school_day(day, holidays=None):
    """A working day outside the school holidays (config SCHOOL_HOLIDAYS unless given)."""
    holidays = _holidays() if holidays is None else holidays
    return is_working_day(day) and not any(first <= day <= last for first, last in holidays)


def school_days(first, last, holidays=None):
    """The school days from `first` to `last`, both included, in order."""
    holidays = _holidays() if holidays is None else holidays
    days, day = [], first
    while day <= last:
        if is_school_day(day, holidays):
            days.append(day)
        day += timedelta(days=1)
    return days


def latest_school_day(day, holidays=None):
    """`day` if it is a school day, else the last school day before it."""
    holidays = _holidays() if holidays is None else holidays
    while not is_school_day(day, holidays):
        day -= timedelta(days=1)
    return day


def placement_end(placement):
    """The last day of a placement: the day its end was recorded, or its planned end."""
    return placement.ended_on or placement.planned_end_date


def expected_on(day):
    """SQL condition on Placement: the placement's pupil is expected on `day`, a school day
    (the caller checks that with is_school_day)."""
    return and_(
        Placement.days_per_week > 0,
        Placement.start_date <= day,
        func.coalesce(Placement.ended_on, Placement.planned_end_date) >= day,
    )


def is_expected(placement, day):
    """The rule of expected_on, for one placement in hand, school days included."""
    return (
        is_school_day(day)
        and placement.days_per_week > 0
        and placement.start_date <= day <= placement_end(placement)
    )


def placements_expected(provider_id, day):
    """The placements at this provider whose pupils are expected on `day`, by school then
    pupil reference, with their schools (one query; none on a day that is not a school day)."""
    if not is_school_day(day):
        return []
    return db.session.scalars(
        select(Placement)
        .join(School, School.id == Placement.school_id)
        .options(joinedload(Placement.school))
        .where(Placement.provider_id == provider_id, expected_on(day))
        .order_by(School.name, Placement.pupil_ref, Placement.id)
    ).all()


def placement_days(placement, first, last):
    """The school days of `first` to `last` on which this placement's pupil is expected."""
    first = max(first, placement.start_date)
    last = min(last, placement_end(placement))
    if placement.days_per_week <= 0 or first > last:
        return []
    return school_days(first, last)
