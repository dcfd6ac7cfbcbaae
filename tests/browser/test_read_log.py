"""The read log in a browser: the Head of Access opens a pupil's placement; the administrator
finds that read by her email and downloads it. axe and the width checks run on every page."""

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, sign_in


def test_an_administrator_finds_who_read_a_placement(new_page, live_server):
    """The read appears in the log, searched by person and record, at a phone's width too."""
    head = new_page()
    sign_in(head, live_server, "head@example.org")
    head.goto(f"{live_server}/placements")
    first = head.locator("main table a[href^='/placements/']").first
    placement = first.get_attribute("href").rsplit("/", 1)[-1]
    first.click()
    expect(head.get_by_role("heading", level=1)).to_be_visible()

    admin = new_page()
    admin.set_viewport_size(PHONE)
    sign_in(admin, live_server, "admin@example.org")
    admin.goto(f"{live_server}/admin/users")
    admin.get_by_role("link", name="Read log").click()
    admin.get_by_label("Person's email address").fill("head@example.org")
    admin.get_by_label("Kind of record").select_option("placement")
    admin.get_by_label("Record's number or reference").fill(placement)
    admin.get_by_role("button", name="Search").click()
    expect(admin.locator("caption")).to_contain_text("1 entry")
    expect(admin.locator("tbody")).to_contain_text("head@example.org")
    with admin.expect_download() as download:
        admin.get_by_role("link", name="Download these entries (CSV)").click()
    assert placement in download.value.path().read_text()

    admin.get_by_label("From (date)").fill("2026-12-31")
    admin.get_by_label("To (date)").fill("2026-01-01")
    admin.get_by_role("button", name="Search").click()
    expect(admin.locator(".govuk-error-summary")).to_contain_text("on or after")
