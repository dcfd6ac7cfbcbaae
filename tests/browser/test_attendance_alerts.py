"""A school's staff on a 390 px phone: the attendance alert about their pupil, absent with no
known reason this morning, and recording what they did; every page checked by axe."""

from datetime import date, datetime, time, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from qa_app.alerts.services import raise_alerts
from qa_app.auth.models import User
from qa_app.dates import UK
from qa_app.extensions import db
from qa_app.placements.models import AttendanceMark, Placement
from qa_app.placements.registers import expected_on, is_school_day
from tests.browser.conftest import PHONE, screenshot, sign_in


def _next_school_day():
    """The first school day after today: the demo's registers run up to this morning, so that
    day has no marks yet."""
    day = date.today() + timedelta(days=1)
    while not is_school_day(day):
        day += timedelta(days=1)
    return day


def test_the_school_sees_the_alert_and_records_what_it_did(browser, live_app, live_server):
    """A Riverside pupil is marked absent with no known reason; the job raises the alert; the
    school's staff find it from their home page and record that they contacted home."""
    with live_app.app_context():
        day = _next_school_day()
        staff = db.session.scalar(select(User).where(User.email == "school@example.org"))
        placement = db.session.scalar(
            select(Placement)
            .where(Placement.school_id == staff.school_id, expected_on(day))
            .order_by(Placement.pupil_ref)
        )
        marker = db.session.scalar(select(User).where(User.role == "provider"))
        db.session.add(
            AttendanceMark(
                placement_id=placement.id,
                provider_id=placement.provider_id,
                school_id=placement.school_id,
                day=day,
                session="am",
                mark="absent_unknown",
                recorded_by_id=marker.id,
            )
        )
        db.session.commit()
        raised = raise_alerts(datetime.combine(day, time(9, 15), tzinfo=UK))
        db.session.commit()
        assert raised.by_kind.get("absent_unknown", 0) >= 1
        ref, provider = placement.pupil_ref, placement.provider.name

    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server, "school@example.org")
    page.get_by_role("link", name="Attendance alerts for your pupils").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance alerts")
    page.get_by_role("link", name=ref).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{ref} at {provider}")
    expect(page.get_by_text("Absent with no known reason, in the morning of")).to_be_visible()
    screenshot(page, "attendance-alert-phone")

    page.get_by_role("button", name="Save what we did").click()
    expect(page.get_by_role("alert").get_by_text("Select what your school did")).to_be_visible()
    page.get_by_label("Contacted home").check()
    page.get_by_label("What happened (optional)").fill(
        "Spoke to mum: a dentist's appointment, back this afternoon."
    )
    page.get_by_role("button", name="Save what we did").click()
    expect(page.get_by_text("Saved: Contacted home.")).to_be_visible()
    expect(page.get_by_text("Contacted home: Spoke to mum")).to_be_visible()
    screenshot(page, "attendance-alert-recorded-phone")
    page.get_by_role("link", name="Attendance alerts").first.click()
    expect(page.get_by_text("No alerts here.")).to_be_visible()
    context.close()
