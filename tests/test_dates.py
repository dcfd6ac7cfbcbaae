"""qa_app.dates: how dates are shown to people, and that pages and PDFs all use it."""

from datetime import date, datetime
from pathlib import Path

import pytest
from flask import render_template_string

from qa_app.dates import clock_time, date_time, long_date, short_date

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("function", "value", "shown"),
    [
        (long_date, date(2026, 3, 5), "5 March 2026"),
        (long_date, date(2026, 11, 28), "28 November 2026"),
        (long_date, datetime(2026, 1, 9, 23, 59), "9 January 2026"),
        (long_date, None, ""),
        (short_date, date(2026, 3, 5), "5 Mar 2026"),
        (short_date, date(2026, 12, 31), "31 Dec 2026"),
        (short_date, datetime(2026, 9, 1, 8, 0), "1 Sep 2026"),
        (short_date, None, ""),
        (clock_time, datetime(2026, 3, 5, 7, 5), "07:05"),
        (clock_time, datetime(2026, 3, 5, 0, 0), "00:00"),
        (clock_time, None, ""),
        (date_time, datetime(2026, 3, 5, 14, 30), "5 Mar 2026 14:30"),
        (date_time, datetime(2026, 10, 10, 9, 7), "10 Oct 2026 10:07"),  # BST
        (date_time, datetime(2026, 12, 1, 9, 7), "1 Dec 2026 09:07"),  # GMT
        (date_time, datetime(2026, 3, 29, 0, 30), "29 Mar 2026 00:30"),  # before the clocks go forward
        (date_time, datetime(2026, 3, 29, 1, 30), "29 Mar 2026 02:30"),  # after
        (short_date, datetime(2026, 7, 1, 23, 30), "2 Jul 2026"),  # already the next day in the UK
        (clock_time, datetime(2026, 7, 1, 23, 30), "00:30"),
        (date_time, None, ""),
    ],
)
def test_how_a_date_is_shown(function, value, shown):
    """No leading zero on the day, the month as a word, the time on the 24-hour clock."""
    assert function(value) == shown


def test_templates_show_dates_the_same_way(app):
    """The template globals are the same functions, so a page and a PDF agree."""
    with app.test_request_context():
        shown = render_template_string(
            "{{ format_date(day) }} | {{ format_date_time(at) }} | {{ format_date(none) or 'Never' }}",
            day=date(2026, 3, 5),
            at=datetime(2026, 3, 5, 14, 30),
            none=None,
        )
    assert shown == "5 Mar 2026 | 5 Mar 2026 14:30 | Never"


def test_no_platform_only_date_format_is_left():
    """strftime's "%-d" is glibc's and fails on Windows; dates go through qa_app.dates instead."""
    sources = [*ROOT.glob("qa_app/**/*.py"), *ROOT.glob("templates/**/*.html")]
    offenders = [
        str(path.relative_to(ROOT))
        for path in sources
        if path.name != "dates.py" and ("%-d" in path.read_text() or ".strftime(" in path.read_text())
    ]
    assert offenders == []
