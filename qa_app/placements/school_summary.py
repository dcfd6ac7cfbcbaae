"""What a school's page (pages/school.py, docs/domain.md §2.7) shows of it: the school with
its link officer, its visits, a summary of its placements by provider with each provider's
QA status, and its open actions.

It reads visits as well as placements, so it sits with placements, above visits. Each part
is one query, so the page takes the same number of queries however many visits and
placements the school has.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from qa_app.auth.models import School
from qa_app.extensions import db
from qa_app.placements.lists import concern
from qa_app.placements.models import Placement
from qa_app.placements.overdue import any_overdue, overdue_conditions
from qa_app.providers.models import Provider
from qa_app.providers.search import qa_status_sql
from qa_app.visits.models import Action, Visit
from qa_app.visits.scopes import EDITABLE_VISIT_STATES


def academic_year_start(today):
    """The 1 September that began the academic year `today` is in."""
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


@dataclass
class PlacementSummary:
    """The school's placements in numbers."""

    open_placements: int
    pupils: int
    ended_this_year: int
    overdue_items: int
    overdue_placements: int


def school_with_officer(school_id):
    """The school with its link officer, or a 404."""
    return db.first_or_404(select(School).options(joinedload(School.officer)).where(School.id == school_id))


def school_visits(school, include_unsigned):
    """The school's visits, newest first, with their officers (one query); a school's own
    staff see only the signed-off ones."""
    query = (
        select(Visit)
        .options(joinedload(Visit.officer))
        .where(Visit.school_id == school.id)
        .order_by(Visit.visit_date.desc(), Visit.id.desc())
    )
    if not include_unsigned:
        query = query.where(Visit.status == "signed_off")
    return db.session.scalars(query).all()


def providers_used(school, today):
    """[(provider id, name, QA status, registration, concern, open placements)] of the
    school's open placements, providers of concern first (one grouped query)."""
    return db.session.execute(
        select(
            Provider.id,
            Provider.name,
            qa_status_sql(today).label("qa_status"),
            Provider.registration_status,
            concern(today).label("concern"),
            func.count(Placement.id).label("placements"),
        )
        .join(Provider, Placement.provider_id == Provider.id)
        .where(Placement.school_id == school.id, Placement.ended_on.is_(None))
        .group_by(Provider.id)
        .order_by(concern(today).desc(), func.lower(Provider.name))
    ).all()


def placement_summary(school, today):
    """Open placements, pupils in AP, placements ended this academic year and what is
    overdue (one query)."""
    is_open = Placement.ended_on.is_(None)
    overdue = [func.count(case((condition, 1))) for condition in overdue_conditions(today).values()]
    row = db.session.execute(
        select(
            func.count(case((is_open, 1))),
            func.count(func.distinct(case((is_open, Placement.pupil_ref)))),
            func.count(case((Placement.ended_on >= academic_year_start(today), 1))),
            func.count(case((any_overdue(today), 1))),
            *overdue,
        ).where(Placement.school_id == school.id)
    ).one()
    return PlacementSummary(
        open_placements=row[0] or 0,
        pupils=row[1] or 0,
        ended_this_year=row[2] or 0,
        overdue_placements=row[3] or 0,
        overdue_items=sum(n or 0 for n in row[4:]),
    )


def open_school_actions(school):
    """The school's open actions from its signed-off visits, soonest due first (one query)."""
    return db.session.scalars(
        select(Action)
        .join(Visit, Action.visit_id == Visit.id)
        .where(Action.school_id == school.id, Action.open_from_signed_off())
        .order_by(Action.due.is_(None), Action.due, Action.id)
    ).all()


def own_open_visit(user, visits):
    """The user's own open visit (draft or returned) among the school's visits, or None."""
    return next((v for v in visits if v.officer_id == user.id and v.status in EDITABLE_VISIT_STATES), None)
