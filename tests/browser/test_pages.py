"""The main pages in a real browser: styles and scripts load under the strict CSP,
forms work with CSRF on, and the layout holds on a tablet and a desktop."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in


def test_officer_signs_in_and_filters_the_register_on_a_tablet(page, live_server):
    """On a 768x1024 tablet an officer signs in, filters the register and opens a provider."""
    sign_in(page, live_server, "officer@example.org")
    expect(page.get_by_role("heading", name="My visits")).to_be_visible()
    page.get_by_role("link", name="Providers", exact=True).click()
    expect(page.get_by_role("heading", name="Provider register")).to_be_visible()
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "GDS Transport" not in font and "arial" in font.lower()
    page.get_by_label("QA status").select_option("expired")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"qa_status=expired"))
    rows = page.locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert all(text == "Expired" for text in page.locator("tbody tr td:nth-child(2)").all_inner_texts())
    screenshot(page, "register-tablet")
    rows.first.locator("a").click()
    expect(page.get_by_role("heading", name="Visit history")).to_be_visible()
    screenshot(page, "provider-tablet")


def test_wrong_password_shows_the_error_summary(page, live_server):
    """A failed sign-in shows the GOV.UK error summary and keeps the email typed."""
    sign_in(page, live_server, "officer@example.org", password="wrong-password")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert page.get_by_label("Email address").input_value() == "officer@example.org"
    screenshot(page, "login-error")


def test_admin_pages_on_a_desktop(page, live_server):
    """An administrator sees users and the framework on a desktop screen."""
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "admin@example.org")
    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    screenshot(page, "users-desktop")
    page.get_by_role("link", name="Framework", exact=True).click()
    page.get_by_role("link", name="2025-2026").first.click()
    expect(page.get_by_text("SG1").first).to_be_visible()
    screenshot(page, "framework-desktop")


def test_public_register_needs_no_sign_in(page, live_server):
    """The public register opens without signing in and shows QA statuses."""
    page.goto(f"{live_server}/register")
    expect(page.get_by_role("heading", name="Register of alternative provision")).to_be_visible()
    assert page.get_by_text("Quality assured").first.is_visible()
    screenshot(page, "public-register")
