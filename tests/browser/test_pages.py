"""The main pages in a real browser: styles and scripts load under the strict CSP,
forms work with CSRF on, and the layout holds on a tablet and a desktop."""

from tests.browser.conftest import screenshot, sign_in


def test_officer_signs_in_and_filters_the_register_on_a_tablet(page, live_server):
    """On a 768x1024 tablet an officer signs in, filters the register and opens a provider."""
    sign_in(page, live_server, "officer@example.org")
    assert page.get_by_role("heading", name="My visits").is_visible()
    page.get_by_role("link", name="Provider register").click()
    assert page.get_by_role("heading", name="Provider register").is_visible()
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "GDS Transport" not in font and "arial" in font.lower()
    page.get_by_label("QA status").select_option("expired")
    page.get_by_role("button", name="Apply filters").click()
    assert "qa_status=expired" in page.url
    rows = page.locator("tbody tr")
    assert rows.count() > 0
    assert all(text == "Expired" for text in page.locator("tbody tr td:nth-child(2)").all_inner_texts())
    screenshot(page, "register-tablet")
    rows.first.locator("a").click()
    assert page.get_by_role("heading", name="Visit history").is_visible()
    screenshot(page, "provider-tablet")


def test_wrong_password_shows_the_error_summary(page, live_server):
    """A failed sign-in shows the GOV.UK error summary and keeps the email typed."""
    sign_in(page, live_server, "officer@example.org", password="wrong-password")
    assert page.get_by_text("There is a problem").is_visible()
    assert page.get_by_label("Email address").input_value() == "officer@example.org"
    screenshot(page, "login-error")


def test_admin_pages_on_a_desktop(page, live_server):
    """An administrator sees users and the framework on a desktop screen."""
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "admin@example.org")
    page.get_by_role("link", name="Users").click()
    assert page.get_by_role("heading", name="Users").is_visible()
    screenshot(page, "users-desktop")
    page.get_by_role("link", name="QA framework").click()
    page.get_by_role("link", name="2025-2026").first.click()
    assert page.get_by_text("SG1").first.is_visible()
    screenshot(page, "framework-desktop")


def test_public_register_needs_no_sign_in(page, live_server):
    """The public register opens without signing in and shows QA statuses."""
    page.goto(f"{live_server}/register")
    assert page.get_by_role("heading", name="Register of alternative provision").is_visible()
    assert page.get_by_text("Quality assured").first.is_visible()
    screenshot(page, "public-register")
