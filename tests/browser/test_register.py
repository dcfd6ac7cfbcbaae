"""Provider staff mark their register on a phone (390 px): provider@example.org opens today's
register, marks everyone present this afternoon with one tap, changes one pupil, and saves
the whole register in one request. axe-core checks every page on the way."""

from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from qa_app.extensions import db
from qa_app.placements.models import AttendanceMark, Placement
from qa_app.placements.registers import latest_school_day
from tests.browser.conftest import screenshot, sign_in

PHONE = {"width": 390, "height": 844}


def test_provider_staff_mark_the_afternoon_on_a_phone(live_app, live_server, page):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "provider@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bridges Learning Centre")
    page.locator("main").get_by_role("link", name="Register", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register for")
    pupils = page.locator("[data-pupil-ref]")
    expect(pupils).to_have_count(3)
    refs = pupils.evaluate_all("els => els.map(e => e.dataset.pupilRef)")
    screenshot(page, "provider-register-phone")

    # This morning is marked already; the afternoon is not, and one tap marks it present.
    afternoon = page.locator("select[data-session='pm']")
    expect(afternoon.first).to_have_value("")
    page.get_by_role("button", name="Mark everyone present: afternoon").click()
    expect(page.locator("[data-fill-status]")).to_contain_text("Not saved yet")
    for index in range(afternoon.count()):
        expect(afternoon.nth(index)).to_have_value("present")
    # One exception, then one Save for the whole register.
    page.get_by_label(f"Afternoon mark for pupil {refs[1]}").select_option("absent_unknown")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_text("Register saved: 3 marks recorded.")).to_be_visible()
    expect(page.get_by_label(f"Afternoon mark for pupil {refs[1]}")).to_have_value("absent_unknown")
    screenshot(page, "provider-register-saved-phone")

    with live_app.app_context():
        day = latest_school_day(date.today())
        marks = db.session.execute(
            select(Placement.pupil_ref, AttendanceMark.mark)
            .join(Placement, Placement.id == AttendanceMark.placement_id)
            .where(AttendanceMark.day == day, AttendanceMark.session == "pm")
            .order_by(Placement.pupil_ref)
        ).all()
    assert dict(marks) == {ref: ("absent_unknown" if ref == refs[1] else "present") for ref in refs}
