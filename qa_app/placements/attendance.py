"""Attendance of pupils in AP, per term, from their placements' reviews (DESIGN.md 2.6).

Each review records the sessions possible, attended and unauthorised since the one before.
A review counts in the term its review date falls in. The terms are the authority's
(config TERM_DATES: the first day of autumn, spring and summer in each academic year);
a term runs from its first day to the day before the next term's first day, so a review
dated in a holiday counts in the term just ended. A year missing from TERM_DATES falls
back to terms starting on 1 September, 1 January and 1 April.

Per term: attendance % = attended / possible; absence % = 100 - attendance %; unauthorised
absence % = unauthorised / possible; all to one decimal place, halves rounded up. The trend
compares the attendance % shown with the one shown for the same term a year earlier.

One aggregate query per table (`daily_totals`, summed by review date, so its rows are
bounded by the calendar, not by the number of placements); the rest is pure functions.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from sqlalchemy import and_, func, select

from qa_app.auth.models import School
from qa_app.auth.permissions import placements_visible_to
from qa_app.domain import NotFound
from qa_app.extensions import db
from qa_app.placements.models import Placement, PlacementReview
from qa_app.providers.models import Provider

TERMS = ("autumn", "spring", "summer")
TERM_LABELS = {"autumn": "Autumn", "spring": "Spring", "summer": "Summer"}
# Where a year is not configured: (month, day) each term starts, and whether it is in the
# calendar year after the academic year's first.
FALLBACK_STARTS = {"autumn": (9, 1, 0), "spring": (1, 1, 1), "summer": (4, 1, 1)}
TENTH = Decimal("0.1")


def academic_year(first_year):
    """The academic year starting in September of `first_year`, as '2025-26'."""
    return f"{first_year}-{(first_year + 1) % 100:02d}"


@dataclass(frozen=True, order=True)
class Term:
    """One term of one academic year; sorts in calendar order."""

    first_year: int  # the calendar year the academic year starts in
    index: int  # 0 autumn, 1 spring, 2 summer

    @property
    def name(self):
        """autumn, spring or summer."""
        return TERMS[self.index]

    @property
    def label(self):
        """'Autumn', 'Spring' or 'Summer'."""
        return TERM_LABELS[self.name]

    @property
    def year(self):
        """The academic year, as '2025-26'."""
        return academic_year(self.first_year)

    def a_year_earlier(self):
        """The same term of the academic year before."""
        return Term(self.first_year - 1, self.index)


def term_start(first_year, name, term_dates):
    """The first day of a term: from TERM_DATES, or the fallback for a year not listed."""
    starts = (term_dates or {}).get(academic_year(first_year))
    configured = starts.get(name) if isinstance(starts, dict) else None
    if configured is not None:
        return configured
    month, day, later = FALLBACK_STARTS[name]
    return date(first_year + later, month, day)


def term_of(day, term_dates):
    """The term a date falls in: the latest term whose first day is on or before it."""
    first_year = day.year if day >= term_start(day.year, "autumn", term_dates) else day.year - 1
    for index in (2, 1, 0):
        if day >= term_start(first_year, TERMS[index], term_dates):
            return Term(first_year, index)
    return Term(first_year - 1, 2)  # unreachable while autumn starts the year; kept total


def check_term_dates(term_dates):
    """The problems with a TERM_DATES setting, as sentences (none when it is usable)."""
    problems = []
    if term_dates is None:
        return problems  # every year falls back
    if not isinstance(term_dates, dict):
        return ["TERM_DATES must map academic years such as '2025-26' to their terms' first days"]
    for year, starts in term_dates.items():
        try:
            first_year = int(year[:4])
        except ValueError:
            problems.append(f"{year!r} is not an academic year such as '2025-26'")
            continue
        if year != academic_year(first_year):
            problems.append(f"{year!r} is not an academic year such as '2025-26'")
            continue
        if not isinstance(starts, dict):
            problems.append(f"{year}: give each term's first day, such as {{'autumn': date(2025, 9, 3)}}")
            continue
        unknown = set(starts) - set(TERMS)
        if unknown:
            problems.append(f"{year}: unknown terms {', '.join(sorted(unknown))}")
            continue
        days = [term_start(first_year, name, term_dates) for name in TERMS]
        days.append(term_start(first_year + 1, "autumn", term_dates))
        if not all(type(day) is date for day in days):
            problems.append(f"{year}: each term's first day must be a date, such as date(2025, 9, 3)")
        elif not days[0] < days[1] < days[2] < days[3]:
            problems.append(f"{year}: autumn, spring and summer must start in that order within the year")
    return problems


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


@dataclass(frozen=True)
class Trend:
    """Attendance against the same term a year earlier: up, down or same by `points`;
    direction None when the earlier term has no figure."""

    direction: str | None
    points: Decimal | None = None

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
    """One row of the table: a term's figures and its trend."""

    term: Term
    sessions: Sessions
    attendance: Decimal
    absence: Decimal
    unauthorised: Decimal
    trend: Trend


def sessions_by_term(daily, term_dates):
    """{Term: Sessions} from (review date, possible, attended, unauthorised) rows."""
    terms = {}
    for day, possible, attended, unauthorised in daily:
        terms.setdefault(term_of(day, term_dates), Sessions()).add(possible, attended, unauthorised)
    return terms


def trend(now, before):
    """The trend from the attendance % a year earlier (None: no figure) to now's."""
    if before is None:
        return Trend(None)
    points = now - before
    if points == 0:
        return Trend("same", Decimal("0.0"))
    return Trend("up" if points > 0 else "down", abs(points))


def attendance_table(daily, term_dates):
    """The table, oldest term first: each term with sessions possible, and its trend."""
    shown = {}
    for term, sessions in sorted(sessions_by_term(daily, term_dates).items()):
        if sessions.possible:
            shown[term] = (sessions, percent(sessions.attended, sessions.possible))
    rows = []
    for term, (sessions, attendance) in shown.items():
        before = shown.get(term.a_year_earlier())
        rows.append(
            TermAttendance(
                term=term,
                sessions=sessions,
                attendance=attendance,
                absence=Decimal(100) - attendance,
                unauthorised=percent(sessions.unauthorised, sessions.possible),
                trend=trend(attendance, before[1] if before else None),
            )
        )
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


def attendance_for(condition):
    """The attendance table of the placements matching `condition`, by the configured terms."""
    return attendance_table(daily_totals(condition), current_app.config.get("TERM_DATES"))


# -- whose placements ----------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose attendance: a SQL condition on Placement, a title, the query-string arguments
    that ask for it again, and a short name for file names."""

    condition: object
    title: str
    arguments: dict
    slug: str


def attendance_scope(user, school_id=None, provider_id=None):
    """The placements the user may see, narrowed to a school and/or a provider.

    A school user is always narrowed to their own school; asking for another school, or
    for a school or provider that does not exist, raises NotFound."""
    if getattr(user, "role", None) == "school":
        if school_id not in (None, user.school_id):
            raise NotFound("No such school")
        school_id = user.school_id
    conditions, names, arguments = [placements_visible_to(user)], [], {}
    if school_id is not None:
        school = db.session.get(School, school_id)
        if school is None:
            raise NotFound("No such school")
        conditions.append(Placement.school_id == school.id)
        names.append(school.name)
        arguments["school_id"] = school.id
    if provider_id is not None:
        provider = db.session.get(Provider, provider_id)
        if provider is None:
            raise NotFound("No such provider")
        conditions.append(Placement.provider_id == provider.id)
        names.append(f"at {provider.name}" if names else provider.name)
        arguments["provider_id"] = provider.id
    slug = "-".join(f"{key.split('_')[0]}-{value}" for key, value in arguments.items()) or "authority"
    title = " ".join(names) or "Every pupil in AP"
    return Scope(and_(*conditions), title, arguments, slug)


def provider_scope(user, provider_id):
    """SQL condition on Placement: the user's placements at one provider."""
    return and_(placements_visible_to(user), Placement.provider_id == provider_id)
