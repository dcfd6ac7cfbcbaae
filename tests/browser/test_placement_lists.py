"""The placement lists in a real browser at 768 x 1024 (axe-core checks every page opened):
a school user's home and list, and the Head of Access's view of every pupil in AP."""

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in


def test_a_school_user_sees_its_home_and_placements(page, live_server):
    """school@ lands on its home, with what is due, and opens its own placements."""
    sign_in(page, live_server, "school@example.org")
    expect(page.get_by_role("heading", name="Your school's alternative provision")).to_be_visible()
    expect(page.get_by_text("Part-time timetable past its review date").first).to_be_visible()
    screenshot(page, "school-home-tablet")
    page.get_by_role("link", name="Placements", exact=True).click()
    expect(page.get_by_role("heading", name="Your school's placements")).to_be_visible()
    expect(page.get_by_text("RA-Y10-014")).to_be_visible()
    expect(page.get_by_text("EHS-2291")).to_have_count(0)
    screenshot(page, "placements-school-tablet")


def test_the_head_of_access_sees_every_pupil_in_ap(page, live_server):
    """head@ sees the counts, the providers of concern first, and follows a count to its pupils."""
    sign_in(page, live_server, "head@example.org")
    page.get_by_role("link", name="Placements", exact=True).click()
    expect(page.get_by_role("heading", name="Pupils in alternative provision")).to_be_visible()
    expect(page.get_by_role("heading", name="Providers of concern")).to_be_visible()
    first = page.locator("[aria-label='Providers of concern'] tbody tr").first
    expect(first).not_to_contain_text("Quality assured")
    screenshot(page, "placements-head-tablet")
    page.get_by_role("link", name="Review overdue: 1").click()
    expect(page.get_by_text("Showing only: Review overdue")).to_be_visible()
    expect(page.get_by_text("EHS-2275")).to_be_visible()
