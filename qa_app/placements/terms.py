"""The authority's school terms (docs/domain.md §2.6): an academic year's three terms, each
from its first day (config TERM_DATES, else 1 September, 1 January and 1 April) to the day
before the next one's, and the whole year for its "Overall" row."""

from dataclasses import dataclass
from datetime import date

TERMS = ("autumn", "spring", "summer")
TERM_LABELS = {"autumn": "Autumn", "spring": "Spring", "summer": "Summer"}
# Where a year is not configured: (month, day) each term starts, and whether it is in the
# calendar year after the academic year's first.
FALLBACK_STARTS = {"autumn": (9, 1, 0), "spring": (1, 1, 1), "summer": (4, 1, 1)}


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

    is_overall = False

    def a_year_earlier(self):
        """The same term of the academic year before."""
        return Term(self.first_year - 1, self.index)


@dataclass(frozen=True, order=True)
class WholeYear:
    """A whole academic year, for its "Overall" row; sorts after the year's summer term."""

    first_year: int
    index: int = len(TERMS)

    label = "Overall"
    is_overall = True

    @property
    def year(self):
        """The academic year, as '2025-26'."""
        return academic_year(self.first_year)

    def a_year_earlier(self):
        """The academic year before."""
        return WholeYear(self.first_year - 1)


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
