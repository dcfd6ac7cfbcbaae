"""Persistent and severe absence of pupils in AP, from the providers' daily marks
(docs/domain.md §2.10): a pupil is persistently absent below 90% of the sessions possible
this term so far, severely below 50% (the DfE's lines). Listed for a school or the authority,
worst first, a page at a time, each with the last four school weeks' attendance to show which
way it is going.

Two queries for a page of pupils and the counts (aggregates by placement over the term's
marks, and the page's marks of the last four weeks by day), one more for the count."""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select

from qa_app.auth.models import School
from qa_app.extensions import db
from qa_app.placements.attendance import percent
from qa_app.placements.attendance_totals import ATTENDED, POSSIBLE, UNAUTHORISED
from qa_app.placements.models import AttendanceMark, Placement
from qa_app.placements.terms import term_of, term_start
from qa_app.providers.models import Provider

PERSISTENT = 90
SEVERE = 50
PAGE_SIZE = 25
WEEKS = 4


@dataclass(frozen=True)
class AbsentPupil:
    """One pupil below the line: their placement's names, this term's sessions and figure,
    and attendance % in each of the last four weeks (None: no session possible that week)."""

    placement_uuid: str
    pupil_ref: str
    school: str
    provider: str
    possible: int
    attended: int
    unauthorised: int
    attendance: object
    weeks: list

    @property
    def severe(self):
        """Below 50%."""
        return self.attendance < SEVERE

    @property
    def direction(self):
        """'Improving', 'Falling', 'Steady' or 'Too few weeks to say', from the first and
        last of the four weeks with a figure."""
        figures = [week for week in self.weeks if week is not None]
        if len(figures) < 2:
            return "Too few weeks to say"
        change = figures[-1] - figures[0]
        return "Improving" if change > 0 else "Falling" if change < 0 else "Steady"


@dataclass(frozen=True)
class AbsenceList:
    """A page of persistently absent pupils, the counts, and the weeks' first days."""

    since: object
    until: object
    pupils: list
    persistent: int
    severe: int
    pagination: object
    week_starts: list


class ListPage(Pagination):
    """The page's links for rows already read (the page macro's Pagination)."""

    def __init__(self, items, total, page):
        self._given = (items, total)
        super().__init__(page=page, per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False)

    def _query_items(self):
        return self._given[0]

    def _query_count(self):
        return self._given[1]


def persistent_absence(condition, today, page=1):
    """The pupils of the placements matching `condition` below 90% this term up to today."""
    term = term_of(today, current_app.config.get("TERM_DATES"))
    since = term_start(term.first_year, term.name, current_app.config.get("TERM_DATES"))
    per_pupil = _per_pupil(condition, since, today)
    below = per_pupil.c.attended * 100 < per_pupil.c.possible * PERSISTENT
    persistent, severe = db.session.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum((per_pupil.c.attended * 100 < per_pupil.c.possible * SEVERE).cast(db.Integer)), 0
            ),
        ).where(below, per_pupil.c.possible > 0)
    ).one()
    pages = max(1, -(-persistent // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = _page_rows(per_pupil, below, page)
    monday = today - timedelta(days=today.weekday())
    week_starts = [monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    weekly = _weekly(rows, week_starts[0], today)
    pupils = [
        AbsentPupil(
            uuid, ref, school, provider, p, a, u, percent(a, p), [weekly.get((pid, w)) for w in week_starts]
        )
        for pid, uuid, ref, school, provider, p, a, u in rows
    ]
    return AbsenceList(
        since, today, pupils, persistent, severe or 0, ListPage(pupils, persistent, page), week_starts
    )


def _page_rows(per_pupil, below, page):
    """One page of the pupils below the line, the lowest attendance first."""
    return db.session.execute(
        select(
            Placement.id,
            Placement.uuid,
            Placement.pupil_ref,
            School.name,
            Provider.name,
            per_pupil.c.possible,
            per_pupil.c.attended,
            per_pupil.c.unauthorised,
        )  # fmt: skip
        .join(per_pupil, per_pupil.c.placement_id == Placement.id)
        .join(School, School.id == Placement.school_id)
        .join(Provider, Provider.id == Placement.provider_id)
        .where(below, per_pupil.c.possible > 0)
        .order_by((per_pupil.c.attended * 1.0 / per_pupil.c.possible), Placement.pupil_ref, Placement.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()


def _per_pupil(condition, since, today):
    """Subquery: each placement's sessions possible, attended and unauthorised from `since`
    to `today`, from the providers' daily marks."""
    return (
        select(
            AttendanceMark.placement_id.label("placement_id"),
            POSSIBLE.label("possible"),
            ATTENDED.label("attended"),
            UNAUTHORISED.label("unauthorised"),
        )
        .join(Placement, Placement.id == AttendanceMark.placement_id)
        .where(condition, AttendanceMark.day.between(since, today))
        .group_by(AttendanceMark.placement_id)
        .subquery()
    )


def _weekly(rows, first, last):
    """{(placement id, the week's Monday): attendance %} for the page's pupils: one query."""
    ids = [row[0] for row in rows]
    if not ids:
        return {}
    sums = {}
    for placement_id, day, possible, attended in db.session.execute(
        select(AttendanceMark.placement_id, AttendanceMark.day, POSSIBLE, ATTENDED)
        .where(AttendanceMark.placement_id.in_(ids), AttendanceMark.day.between(first, last))
        .group_by(AttendanceMark.placement_id, AttendanceMark.day)
    ):
        key = (placement_id, day - timedelta(days=day.weekday()))
        total = sums.setdefault(key, [0, 0])
        total[0] += possible
        total[1] += attended
    return {key: percent(attended, possible) for key, (possible, attended) in sums.items() if possible}
