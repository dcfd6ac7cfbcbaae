"""What a new user sees first: the menu on one row for every role, on a 768 px tablet and
a 1,366 px laptop, and the header's Sign out drawn as a header link."""

import contextlib

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in, wait_until

USERS = ["officer@example.org", "head@example.org", "school@example.org", "admin@example.org"]


ROWS_JS = """() => new Set([...document.querySelectorAll(".govuk-service-navigation__item")]
  .map((item) => Math.round(item.getBoundingClientRect().top))).size"""


def menu_rows(page):
    """How many rows the menu's items take, once the page's layout has settled on one row (it
    is waited for: styles and fonts can still be arriving on a loaded machine), or after 10 s."""
    with contextlib.suppress(AssertionError):  # the count below says how many rows it settled on
        wait_until(page, f"() => ({ROWS_JS})() === 1", timeout=10_000)
    rows = page.evaluate(ROWS_JS)
    assert rows, "no menu"
    return rows


@pytest.mark.parametrize("email", USERS)
def test_the_menu_fits_one_row(page, live_server, email):
    """Each role's menu is one row at 768 px and at 1,366 px, and the page never scrolls sideways."""
    sign_in(page, live_server, email)
    page.goto(f"{live_server}/")
    assert menu_rows(page) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    screenshot(page, f"menu-{email.split('@')[0]}-tablet")
    page.set_viewport_size({"width": 1366, "height": 768})
    assert menu_rows(page) == 1


def test_sign_out_is_a_header_link(page, live_server):
    """Sign out looks like a link in the header (no white button), and signs out."""
    sign_in(page, live_server, "head@example.org")
    sign_out = page.get_by_role("button", name="Sign out")
    assert sign_out.evaluate("b => getComputedStyle(b).backgroundColor") == "rgba(0, 0, 0, 0)"
    assert sign_out.evaluate("b => getComputedStyle(b).textDecorationLine") == "underline"
    sign_out.click()
    expect(page.get_by_text("You have signed out")).to_be_visible()
