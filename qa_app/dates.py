"""How dates are shown to people, in pages, PDFs and emails alike.

- In a sentence or on a report's front, a date is written out: "5 March 2026" (long_date).
- In a table, a list or a caption, the month is shortened: "5 Mar 2026" (short_date).
- A moment (a decision, a download, a settled conflict) is "5 Mar 2026 14:30" (date_time),
  on the 24-hour clock (clock_time), in UK local time: moments are stored in UTC and
  shown in Europe/London time, GMT in winter and BST in summer (uk_time). A datetime's
  day is the UK day too, so 23:30 UTC on 1 July is shown as 2 July.

The day never has a leading zero. It is written as a plain number rather than with
strftime's "%-d", which is a glibc extension and fails on Windows. No date shows as "", so
a caller can write `short_date(visit.due) or "No date"`.

Working days (add_working_days) leave out weekends and England and Wales bank holidays.
Every timestamp column stores UTC with no zone (utcnow).
"""

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from govuk_bank_holidays.bank_holidays import BankHolidays


def utcnow():
    """The current time in UTC, as stored in every timestamp column."""
    return datetime.now(UTC).replace(tzinfo=None)


UK = ZoneInfo("Europe/London")


def uk_time(moment):
    """A stored moment (a naive datetime in UTC, or an aware one) in UK local time; a plain
    date, or None, is returned as it is."""
    if not isinstance(moment, datetime):
        return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UK)


def long_date(day):
    """A date or datetime as '5 March 2026' ('' for none)."""
    day = uk_time(day)
    return f"{day.day} {day:%B %Y}" if day else ""


def short_date(day):
    """A date or datetime as '5 Mar 2026' ('' for none)."""
    day = uk_time(day)
    return f"{day.day} {day:%b %Y}" if day else ""


def clock_time(moment):
    """The UK time of a datetime as '14:30' ('' for none)."""
    return f"{uk_time(moment):%H:%M}" if moment else ""


def date_time(moment):
    """A datetime as '5 Mar 2026 14:30', in UK time ('' for none)."""
    return f"{short_date(moment)} {clock_time(moment)}" if moment else ""


@lru_cache(maxsize=1)
def _bank_holidays():
    # The package's own copy of the dates: no network is needed or used.
    holidays = BankHolidays(use_cached_holidays=True)
    return frozenset(h["date"] for h in holidays.get_holidays(division=BankHolidays.ENGLAND_AND_WALES))


def is_working_day(day):
    """Not a weekend and not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays()


def add_working_days(start, days):
    """The date `days` working days after `start` (no weekends or England and Wales bank holidays)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            days -= 1
    return current
