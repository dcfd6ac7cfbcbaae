"""Every role's pages on a 390 px phone as well as a tablet (and the Head of Access's at a
desk): the menu's pages and the first record each lists. The browser fixture runs axe and
the "no sideways scroll" check at each width on every page these open."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, sign_in

# The first link of each kind of record a list page shows.
RECORDS = ", ".join(
    f"main a[href^='/{kind}/']:not([download]):not([href$='.csv']):not([href$='.pdf'])"
    for kind in ("providers", "placements", "visits", "escalations", "referrals", "schools")
)
USERS = ["school@example.org", "officer@example.org", "head@example.org", "admin@example.org"]


def menu_pages(page):
    """The addresses of the menu's items."""
    return page.locator(".govuk-service-navigation__link").evaluate_all("links => links.map((a) => a.href)")


@pytest.mark.parametrize("email", USERS)
def test_every_menu_page_and_its_first_record_fit_a_phone(new_page, live_server, email):
    """Each menu page, and the first record it links to, load and are checked at each width."""
    page = new_page()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, email)
    expect(page.locator(".app-header__user")).to_be_visible()
    for address in menu_pages(page):
        page.goto(address)
        first = page.locator(RECORDS).first
        if first.count():
            page.goto(
                first.get_attribute("href")
                if "://" in first.get_attribute("href")
                else live_server + first.get_attribute("href")
            )


def test_the_public_register_and_sign_in_fit_a_phone(new_page, live_server):
    """Signed out: the public register and the sign-in page."""
    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/register")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"{live_server}/login")


def test_the_schools_placement_pages_fit_a_phone(new_page, live_server):
    """A school's register, import page and placing a pupil."""
    page = new_page()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "school@example.org")
    for path in ("/providers", "/placements/import", "/placements/new"):
        page.goto(live_server + path)
