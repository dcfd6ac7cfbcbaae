"""Attendance of pupils in AP, per term, from their placements' reviews (docs/domain.md §2.6).

Each review records the sessions possible, attended and unauthorised since the one before.
A review counts in the term its review date falls in. The terms are the authority's
(config TERM_DATES: the first day of autumn, spring and summer in each academic year);
a term runs from its first day to the day before the next term's first day, so a review
dated in a holiday counts in the term just ended. A year missing from TERM_DATES falls
back to terms starting on 1 September, 1 January and 1 April.

Where the providers' daily marks (docs/domain.md §2.10) have sessions possible in a term, that
term's figures come from the marks instead of the reviews, and each row says which.

Per term: attendance % = attended / possible; absence % = 100 - attendance %; unauthorised
absence % = unauthorised / possible; all to one decimal place, halves rounded up. Each figure
has a trend: the figure shown against the one shown for the same term a year earlier, better
when attendance goes up and when absence and unauthorised absence go down. After the last term
of each academic year comes an "Overall" row: the same figures over all the year's sessions,
with their trends against the year before's.

One aggregate query per table (`daily_totals`, summed by review date, so its rows are
bounded by the calendar, not by the number of placements); the rest is pure functions. The
whole authority's sums are kept until a placement or review changes (qa_app/kept_figures.py).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from sqlalchemy import func, select

from qa_app.extensions import db
from qa_app.kept_figures import kept
from qa_app.placements.attendance_totals import ATTENDED, POSSIBLE, UNAUTHORISED, marked_daily_totals
from qa_app.placements.models import AttendanceMark, Placement, PlacementReview
from qa_app.placements.terms import Term, WholeYear, term_of

TENTH = Decimal("0.1")


# -- the figures ---------------------------------------------------------------------------


@dataclass
class Sessions:
    """Sessions summed over a term's reviews."""

    possible: int = 0
    attended: int = 0
    unauthorised: int = 0

    def add(self, possible, attended, unauthorised):
        """Add one day's totals."""
        self.possible += possible
        self.attended += attended
        self.unauthorised += unauthorised


def percent(part, whole):
    """part / whole as a percentage to one decimal place, halves rounded up."""
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


SOURCES = {"reviews": "Reviews", "marks": "Daily marks", "both": "Daily marks and reviews"}
# Which way each figure should go.
GOALS = {"attendance": "up", "absence": "down", "unauthorised": "down"}
ARROWS = {"up": "\u2191", "down": "\u2193", "same": "\u2192"}


@dataclass(frozen=True)
class Trend:
    """A figure against the same term a year earlier: up, down or same by `points`;
    direction None when the earlier term has no figure. `goal` is the way the figure should
    go ("up" for attendance, "down" for absence), which says whether the change is better."""

    direction: str | None
    points: Decimal | None = None
    goal: str = "up"

    @property
    def arrow(self):
        """An arrow for the direction ('' with no figure); never shown without the words."""
        return ARROWS.get(self.direction, "")

    @property
    def verdict(self):
        """'better', 'worse' or '' (same, or no figure)."""
        if self.direction in (None, "same"):
            return ""
        return "better" if self.direction == self.goal else "worse"

    @property
    def text(self):
        """'Up 2.5 points', 'Down 1.0 point', 'Same' or 'No figure'."""
        if self.direction is None:
            return "No figure"
        if self.direction == "same":
            return "Same"
        unit = "point" if self.points == 1 else "points"
        return f"{self.direction.title()} {self.points} {unit}"


@dataclass(frozen=True)
class TermAttendance:
    """One row of the table: a term's (or a whole year's) figures, and the trend of each.
    `source` says where the sessions were counted: "reviews" or "marks"."""

    term: Term | WholeYear
    sessions: Sessions
    attendance: Decimal
    absence: Decimal
    unauthorised: Decimal
    trend: Trend  # of attendance
    absence_trend: Trend
    unauthorised_trend: Trend
    source: str = "reviews"

    @property
    def is_overall(self):
        """Whether this is a year's "Overall" row."""
        return self.term.is_overall

    @property
    def source_label(self):
        """Where the row was counted from, in words."""
        return SOURCES[self.source]

    def figures(self):
        """(attendance, absence, unauthorised) percentages."""
        return self.attendance, self.absence, self.unauthorised


def sessions_by_term(daily, term_dates):
    """{Term: Sessions} from (review date, possible, attended, unauthorised) rows."""
    terms = {}
    for day, possible, attended, unauthorised in daily:
        terms.setdefault(term_of(day, term_dates), Sessions()).add(possible, attended, unauthorised)
    return terms


def trend(now, before, goal="up"):
    """The trend from a figure a year earlier (None: no figure) to now's."""
    if before is None:
        return Trend(None, goal=goal)
    points = now - before
    if points == 0:
        return Trend("same", Decimal("0.0"), goal)
    return Trend("up" if points > 0 else "down", abs(points), goal)


def _with_whole_years(terms):
    """{Term or WholeYear: Sessions}: the terms, and each academic year's sum."""
    periods = dict(terms)
    for term, sessions in terms.items():
        year = periods.setdefault(WholeYear(term.first_year), Sessions())
        year.add(sessions.possible, sessions.attended, sessions.unauthorised)
    return periods


def _terms_and_sources(daily, term_dates, marks_daily):
    """{Term: Sessions} and {Term or WholeYear: source}: a term with sessions possible in the
    marks is counted from them, any other from the reviews; a year from what its terms were."""
    terms = sessions_by_term(daily, term_dates)
    sources = dict.fromkeys(terms, "reviews")
    for term, sessions in sessions_by_term(marks_daily, term_dates).items():
        if sessions.possible:
            terms[term], sources[term] = sessions, "marks"
    for term, source in list(sources.items()):
        year = WholeYear(term.first_year)
        sources[year] = source if sources.get(year, source) == source else "both"
    return terms, sources


def attendance_table(daily, term_dates, marks_daily=()):
    """The table, oldest first: each term with sessions possible, each academic year's
    "Overall" row after its last term, and every figure's trend. `daily` and `marks_daily`
    are (day, possible, attended, unauthorised) rows from the reviews and from the marks."""
    figures = {}
    terms, sources = _terms_and_sources(daily, term_dates, marks_daily)
    periods = _with_whole_years(terms)
    for period, sessions in sorted(periods.items(), key=lambda item: (item[0].first_year, item[0].index)):
        if sessions.possible:
            attendance = percent(sessions.attended, sessions.possible)
            figures[period] = (
                sessions,
                (attendance, Decimal(100) - attendance, percent(sessions.unauthorised, sessions.possible)),
            )
    rows = []
    for period, (sessions, now) in figures.items():
        before = figures.get(period.a_year_earlier(), (None, (None, None, None)))[1]
        trends = [trend(n, b, goal) for n, b, goal in zip(now, before, GOALS.values(), strict=True)]
        rows.append(TermAttendance(period, sessions, *now, *trends, source=sources[period]))
    return rows


# -- from the database -------------------------------------------------------------------


def daily_totals(condition):
    """(review date, possible, attended, unauthorised) summed by date over the reviews of
    the placements matching `condition` (a SQL condition on Placement): one query."""
    return db.session.execute(
        select(
            PlacementReview.review_date,
            func.sum(PlacementReview.sessions_possible),
            func.sum(PlacementReview.sessions_attended),
            func.sum(PlacementReview.sessions_unauthorised),
        )
        .join(Placement, PlacementReview.placement_id == Placement.id)
        .where(condition)
        .group_by(PlacementReview.review_date)
    ).all()


def mark_daily_totals(condition, whole_authority=False):
    """(day, possible, attended, unauthorised) summed by day over the marks of the
    placements matching `condition` (or of the whole authority), from the daily totals."""
    return marked_daily_totals(condition, whole_authority)


def attendance_for(condition, whole_authority=False):
    """The attendance table of the placements matching `condition`, by the configured terms:
    from the marks in a term that has them, from the reviews otherwise (two queries).
    `whole_authority` says the condition is every placement (the Head of Access's view)."""
    if whole_authority:
        # Every review of the authority, summed by day: kept until a placement or review changes.
        reviews = kept("authority_review_totals", (), lambda: [tuple(row) for row in daily_totals(condition)])
    else:
        reviews = daily_totals(condition)
    return attendance_table(
        reviews,
        current_app.config.get("TERM_DATES"),
        mark_daily_totals(condition, whole_authority),
    )


@dataclass(frozen=True)
class SinceLastReview:
    """A placement's marks from the day after its last review (or its start) to `until`."""

    since: date
    until: date
    sessions: Sessions
    marked: int  # marks of any kind, "not expected" included

    def form_data(self):
        """The review form's attendance fields, pre-filled."""
        return {
            "sessions_possible": self.sessions.possible,
            "sessions_attended": self.sessions.attended,
            "sessions_unauthorised": self.sessions.unauthorised,
        }


def since_last_review(placement, until):
    """The sessions possible, attended and unauthorised in the placement's marks since its
    last review (one query); None when it has no marks in that time."""
    last = max((review.review_date for review in placement.reviews), default=None)
    since = last + timedelta(days=1) if last else placement.start_date
    row = db.session.execute(
        select(func.count(), POSSIBLE, ATTENDED, UNAUTHORISED).where(
            AttendanceMark.placement_id == placement.id, AttendanceMark.day.between(since, until)
        )
    ).one()
    if not row[0]:
        return None
    return SinceLastReview(since, until, Sessions(row[1] or 0, row[2] or 0, row[3] or 0), row[0])
