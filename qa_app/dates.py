"""How dates are shown to people, in pages, PDFs and emails alike.

- In a sentence or on a report's front, a date is written out: "5 March 2026" (long_date).
- In a table, a list or a caption, the month is shortened: "5 Mar 2026" (short_date).
- A moment (a decision, a download, a settled conflict) is "5 Mar 2026 14:30" (date_time),
  with the time on the 24-hour clock (clock_time) as it is stored; a page that shows one
  says which clock it is.

The day never has a leading zero. It is written as a plain number rather than with
strftime's "%-d", which is a glibc extension and fails on Windows. No date shows as "", so
a caller can write `short_date(visit.due) or "No date"`.
"""


def long_date(day):
    """A date or datetime as '5 March 2026' ('' for none)."""
    return f"{day.day} {day:%B %Y}" if day else ""


def short_date(day):
    """A date or datetime as '5 Mar 2026' ('' for none)."""
    return f"{day.day} {day:%b %Y}" if day else ""


def clock_time(moment):
    """The time of a datetime as '14:30' ('' for none)."""
    return f"{moment:%H:%M}" if moment else ""


def date_time(moment):
    """A datetime as '5 Mar 2026 14:30' ('' for none)."""
    return f"{short_date(moment)} {clock_time(moment)}" if moment else ""
