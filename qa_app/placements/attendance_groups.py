"""Attendance this term school by school, or provider by provider: every school (or provider)
with placements the user may see, by name, a page at a time, each with this term's figures
(from the marks' daily totals where it has them, from the reviews otherwise) and a link to
its own table. Three queries a page: the count, the page's names, and each source's sums."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from qa_app.auth.models import School
from qa_app.extensions import db
from qa_app.placements.attendance import Sessions, percent
from qa_app.placements.attendance_totals import AttendanceDayTotal
from qa_app.placements.models import Placement, PlacementReview
from qa_app.placements.persistent_absence import ListPage
from qa_app.placements.terms import term_of, term_start
from qa_app.providers.models import Provider

GROUPS = {"school": (School, Placement.school_id), "provider": (Provider, Placement.provider_id)}


@dataclass(frozen=True)
class GroupRow:
    """One school or provider: its id and name, this term's sessions and where from."""

    id: int
    name: str
    sessions: Sessions
    source: str

    @property
    def figures(self):
        """(attendance, absence, unauthorised) %, or None with no session possible."""
        if not self.sessions.possible:
            return None
        attendance = percent(self.sessions.attended, self.sessions.possible)
        return attendance, 100 - attendance, percent(self.sessions.unauthorised, self.sessions.possible)


def attendance_by(group, condition, today, page=1):
    """(the term, a page of GroupRow) for the schools or providers of the placements
    matching `condition`."""
    model, column = GROUPS[group]
    term_dates = current_app.config.get("TERM_DATES")
    term = term_of(today, term_dates)
    since = term_start(term.first_year, term.name, term_dates)
    ids = select(column).where(condition).distinct()
    total = db.session.scalar(select(func.count()).select_from(ids.subquery()))
    pages = max(1, -(-total // 25))
    page = min(max(page, 1), pages)
    named = db.session.execute(
        select(model.id, model.name)
        .where(model.id.in_(ids))
        .order_by(model.name, model.id)
        .limit(25)
        .offset((page - 1) * 25)
    ).all()
    page_ids = [row[0] for row in named]
    marks = _sums(
        select(
            getattr(AttendanceDayTotal, f"{group}_id"),
            func.sum(AttendanceDayTotal.possible),
            func.sum(AttendanceDayTotal.attended),
            func.sum(AttendanceDayTotal.unauthorised),
        )
        .join(
            pairs := select(Placement.school_id, Placement.provider_id)
            .where(condition)
            .distinct()
            .subquery(),
            (pairs.c.school_id == AttendanceDayTotal.school_id)
            & (pairs.c.provider_id == AttendanceDayTotal.provider_id),
        )
        .where(
            getattr(AttendanceDayTotal, f"{group}_id").in_(page_ids),
            AttendanceDayTotal.day.between(since, today),
        )
        .group_by(getattr(AttendanceDayTotal, f"{group}_id"))
    )
    reviews = _sums(
        select(
            column,
            func.sum(PlacementReview.sessions_possible),
            func.sum(PlacementReview.sessions_attended),
            func.sum(PlacementReview.sessions_unauthorised),
        )
        .join(Placement, Placement.id == PlacementReview.placement_id)
        .where(condition, column.in_(page_ids), PlacementReview.review_date.between(since, today))
        .group_by(column)
    )
    rows = []
    for group_id, name in named:
        counted = marks.get(group_id)
        if counted is not None and counted.possible:
            rows.append(GroupRow(group_id, name, counted, "Daily marks"))
        else:
            rows.append(GroupRow(group_id, name, reviews.get(group_id, Sessions()), "Reviews"))
    return term, since, ListPage(rows, total, page)


def _sums(query):
    """{id: Sessions} from (id, possible, attended, unauthorised) rows."""
    return {row[0]: Sessions(row[1] or 0, row[2] or 0, row[3] or 0) for row in db.session.execute(query)}
