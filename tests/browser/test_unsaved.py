"""Nothing typed is lost (issue 10, part 4) in a real browser: leaving a visit's section
with unsaved changes asks first (the beforeunload dialog), saving does not, and a page sent
back with errors asks even before anything more is typed. Also the screenshots of a theme
page with errors at 768 x 1024."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in


def open_a_draft(page, base_url):
    """Sign in as the demo officer and open a provider visit's draft from Your visits in the menu, in a
    browser where the browser's visit form cannot run (its module never arrives, as with no
    IndexedDB): the server's pages stay the form, with JavaScript to warn before leaving."""
    sign_in(page, base_url, "officer@example.org")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your visits").click()
    expect(page.get_by_role("heading", name="Your visits")).to_be_visible()
    row = page.locator("tbody tr", has_text="In progress", has_not_text="School visit").first
    # Its address, opened: a click on a loaded list once stayed put on a loaded machine, and
    # this test is about the form, not the list.
    page.goto(base_url + row.get_by_role("link").first.get_attribute("href"))
    expect(page).to_have_url(re.compile(r"/visits/[0-9a-f-]{36}$"))
    return page.url


@pytest.fixture
def page(browser):
    """A page whose browser's visit form never arrives (its module is refused; no service
    worker, which would fetch it past the refusal)."""
    context = browser.new_context(service_workers="block", viewport={"width": 768, "height": 1024})
    page = context.new_page()
    page.route("**/static/js/offline/form.js", lambda route: route.abort())
    return page


def test_leaving_a_changed_form_asks_first(page, live_server):
    """Typed and then leaving: the browser asks, and staying keeps the text; saving never asks."""
    visit_url = open_a_draft(page, live_server)
    page.goto(f"{visit_url}/strengths")
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", on_dialog)
    # Unchanged: leaving is not questioned.
    page.get_by_role("link", name="Back to the visit").click()
    expect(page).to_have_url(visit_url)
    assert dialogs == []
    page.goto(f"{visit_url}/strengths")
    strengths = page.get_by_label("Strengths", exact=True)
    strengths.click()
    page.keyboard.type(" Calm rooms and a clear timetable.")
    page.get_by_role("link", name="Back to the visit").click()
    expect(page).to_have_url(f"{visit_url}/strengths")
    assert dialogs == ["beforeunload"]
    expect(strengths).to_have_value(re.compile("Calm rooms and a clear timetable.$"))
    page.get_by_role("button", name="Save and return to the visit").click()
    expect(page).to_have_url(visit_url)
    assert dialogs == ["beforeunload"]


def test_a_page_sent_back_with_errors_asks_before_leaving(page, live_server):
    """A theme saved with a criterion missing its evidence: the rest saved, the page warns on leaving."""
    visit_url = open_a_draft(page, live_server)
    page.goto(f"{visit_url}/themes/SG")
    block = page.locator(".app-criterion").first
    block.get_by_label("Not met", exact=True).check()
    block.get_by_role("textbox").fill("")
    page.get_by_role("button", name="Save and return to the visit").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("Your other answers on this page are saved")).to_be_visible()
    expect(block.get_by_label("Not met", exact=True)).to_be_checked()
    expect(block.locator(".govuk-error-message")).to_contain_text("Enter the evidence for SG1")
    screenshot(page, "theme-with-errors-tablet")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.locator("body").click(position={"x": 5, "y": 5})  # a gesture: the browser asks only after one
    page.get_by_role("link", name="Back to the visit").click()
    expect(page).to_have_url(re.compile(r"/themes/SG$"))
    assert dialogs == ["beforeunload"]
