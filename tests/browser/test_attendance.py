"""The attendance of pupils in AP on the Head of Access's dashboard, chart and table, checked
by axe at 768 x 1024, and one school's page as its staff see it.

The reviews are of a school of the test's own, so the figures stay the same whatever
placements the demo data holds."""

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from qa_app.auth.models import User
from qa_app.auth.services import create_user
from qa_app.extensions import db
from qa_app.placements.models import Placement, PlacementReview
from qa_app.providers.models import Provider
from tests.browser.conftest import screenshot, sign_in

PASSWORD = "a-long-test-password"
# (term's review date, possible, attended, unauthorised) for two years of terms.
REVIEWS = [
    (date(2024, 10, 14), 120, 102, 8),
    (date(2025, 2, 10), 120, 98, 10),
    (date(2025, 6, 9), 120, 95, 14),
    (date(2025, 10, 13), 120, 108, 4),
    (date(2026, 2, 9), 120, 104, 6),
    (date(2026, 6, 8), 120, 110, 2),
]


@pytest.fixture
def attendance_server(live_app, live_server):
    """The demo, plus a school with a pupil in AP in each of two years, and its staff member:
    the live server's base URL and the provider the pupils are placed with."""
    with live_app.app_context():
        school = create_user(
            "staff@ashgrove.example.org", "Sam Lee", "school", PASSWORD, "Ashgrove School"
        ).school
        provider = db.session.scalar(db.select(Provider).order_by(Provider.id))
        officer = db.session.scalar(db.select(User).where(User.role == "officer"))
        for year in (2024, 2025):
            start = date(year, 9, 8)
            placement = Placement(
                uuid=f"00000000-0000-4000-8000-00000000{year}",
                school=school,
                provider=provider,
                created_by=officer,
                pupil_ref=f"RA-{year}",
                year_group=10,
                reason="at_risk_of_exclusion",
                start_date=start,
                planned_end_date=start + timedelta(days=300),
                days_per_week=5,
                hours_per_week=25,
            )
            placement.reviews = [
                PlacementReview(
                    review_date=day, sessions_possible=p, sessions_attended=a, sessions_unauthorised=u
                )
                for day, p, a, u in REVIEWS
                if date(year, 9, 1) <= day < date(year + 1, 9, 1)
            ]
            db.session.add(placement)
        db.session.commit()
        provider_id = provider.id
    return SimpleNamespace(url=live_server, provider_id=provider_id)


def test_the_dashboard_shows_attendance_as_a_chart_and_a_table(page, attendance_server):
    """The Head of Access sees a bar for each term in the table (six terms at least)."""
    sign_in(page, attendance_server.url, "head@example.org")
    page.goto(f"{attendance_server.url}/dashboard")
    chart = page.get_by_role("img", name="Attendance of pupils in AP by term, as a bar chart")
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name="Attendance by term across the authority")
    terms = table.locator("tbody tr:not(.app-attendance-overall)").count()
    assert terms >= 6
    expect(chart.locator("rect")).to_have_count(min(terms, 9))
    page.locator("#attendance-table").scroll_into_view_if_needed()
    screenshot(page, "attendance-dashboard-tablet")
    # The provider's page has its own table, with a link to its chart.
    page.goto(f"{attendance_server.url}/providers/{attendance_server.provider_id}")
    expect(page.get_by_role("heading", name="Attendance of pupils placed here")).to_be_visible()
    page.get_by_role("link", name="Attendance at this provider with its chart").click()
    expect(page.get_by_role("img", name="Attendance of pupils in AP by term, as a bar chart")).to_be_visible()
    screenshot(page, "attendance-provider-tablet")


def test_a_school_sees_its_own_attendance_page(page, attendance_server):
    """A school's staff open their attendance page: its chart, and the figures worked out here."""
    sign_in(page, attendance_server.url, "staff@ashgrove.example.org", PASSWORD)
    page.goto(f"{attendance_server.url}/placements/attendance")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ashgrove School")
    chart = page.get_by_role("img", name="Attendance of pupils in AP by term, as a bar chart")
    expect(chart.locator("rect")).to_have_count(6)
    rows = page.get_by_role("table", name="Attendance by term: Ashgrove School").locator("tbody tr")
    # Autumn 2025-26: 108 / 120 = 90.0%, 4 / 120 = 3.3% unauthorised; a year earlier
    # 102 / 120 = 85.0% and 8 / 120 = 6.7%: up 5.0 points, absence down 5.0, unauthorised
    # down 3.4, each better. The row after summer 2024-25 is that year's overall row:
    # 102 + 98 + 95 = 295 of 360 sessions = 81.9%.
    expect(rows.nth(3)).to_have_text(re.compile(r"^Overall\s+2024-25\s+81\.9%"), use_inner_text=True)
    expect(rows.nth(4)).to_have_text(
        "Autumn 2025-26 90.0% \u2191 Up 5.0 points (better) 10.0% \u2193 Down 5.0 points (better) "
        "3.3% \u2193 Down 3.4 points (better) Reviews",
        use_inner_text=True,
    )
    screenshot(page, "attendance-school-tablet")
