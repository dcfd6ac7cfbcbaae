"""The attendance of pupils in AP on the Head of Access's dashboard, chart and table, checked
by axe at 768 x 1024, and one school's page as its staff see it."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from qa_app.auth.models import School, User
from qa_app.extensions import db
from qa_app.placements.models import Placement, PlacementReview
from qa_app.providers.models import Provider
from tests.browser.conftest import screenshot, sign_in

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
    """The demo, plus reviews of a Riverside Academy pupil's placement across two years."""
    with live_app.app_context():
        school = db.session.scalar(db.select(School).where(School.name == "Riverside Academy"))
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
    return live_server


def test_the_dashboard_shows_attendance_as_a_chart_and_a_table(page, attendance_server):
    """The Head of Access sees six terms' bars and the same figures in the table."""
    sign_in(page, attendance_server, "head@example.org")
    page.goto(f"{attendance_server}/dashboard")
    chart = page.get_by_role("img", name="Attendance of pupils in AP by term, as a bar chart")
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(6)
    table = page.get_by_role("table", name="Attendance by term across the authority")
    # Autumn 2025-26: 108 / 120 = 90.0%; a year earlier 102 / 120 = 85.0%: up 5.0 points.
    expect(table.get_by_role("row").filter(has_text="Autumn").last).to_contain_text("Up 5.0 points")
    page.locator("#attendance-table").scroll_into_view_if_needed()
    screenshot(page, "attendance-dashboard-tablet")


def test_a_school_sees_its_own_attendance_page(page, attendance_server):
    """A school's staff open their attendance page and its chart."""
    sign_in(page, attendance_server, "school@example.org")
    page.goto(f"{attendance_server}/placements/attendance")
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Academy")
    expect(page.get_by_role("img", name="Attendance of pupils in AP by term, as a bar chart")).to_be_visible()
    screenshot(page, "attendance-school-tablet")
