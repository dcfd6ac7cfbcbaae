"""An escalation from a school's report to its closing, in a real browser: the school
sees only the receipt; the Head of Access reviews, refers, records the Ofsted report,
suspends the provider and closes it, each step with a reason."""

import re
from datetime import date

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def step(page, to_state, reason):
    """Choose the next step (a sentence when it is the only one) and give the reason."""
    choice = page.get_by_label(to_state, exact=True)
    if choice.count():
        choice.check()
    else:
        expect(page.get_by_text(f"The next step is {to_state}.")).to_be_visible()
    page.get_by_label("Reason for this decision").fill(reason)


def test_head_of_access_takes_a_concern_from_report_to_closed(browser, live_server):
    """The whole workflow of docs/domain.md §2.4, with suspension, as the people who use it."""
    school = browser.new_context(viewport={"width": 768, "height": 1024}).new_page()
    sign_in(school, live_server, "school@example.org")
    school.get_by_role("link", name="Report a concern").click()
    school.get_by_label("Address of the premises").fill("Rear of 12 Station Road, Riverside")
    school.get_by_label("What was seen or heard").fill(
        "About ten children arrive at 9 and leave at 3 every weekday"
    )
    school.get_by_label("How you know").fill("A parent at our school told us")
    school.get_by_label("Roughly how many children attend (if known)").fill("10")
    school.get_by_role("button", name="Send to the Head of Access").click()
    expect(school.get_by_text("Concern received")).to_be_visible()
    reference = school.locator(".govuk-panel strong").inner_text()
    assert school.get_by_text("About ten children").count() == 0
    school.context.close()

    context = browser.new_context(viewport={"width": 768, "height": 1024})
    page = context.new_page()
    sign_in(page, live_server, "head@example.org")
    page.get_by_role("link", name="Escalations").click()
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text("About ten children")).to_be_visible()
    screenshot(page, "escalation-raised")

    step(page, "Under review", "")
    page.get_by_role("button", name="Record this step").click()
    expect(page.get_by_text("Record the reason for this decision").first).to_be_visible()

    step(page, "Under review", "Evidence is specific and recent")
    page.get_by_role("button", name="Record this step").click()
    expect(page.get_by_text(f"{reference} is now: Under review")).to_be_visible()
    expect(page.get_by_role("group", name="Review date (monitoring)")).to_be_hidden()
    page.get_by_label("Monitoring", exact=True).check()
    expect(page.get_by_role("group", name="Review date (monitoring)")).to_be_visible()
    screenshot(page, "escalation-under-review")

    step(page, "Referred to the Director of Education", "Premises not known to the authority")
    page.get_by_role("button", name="Record this step").click()
    # Wait for the next page: the step helper reads the form of the state it lands on.
    expect(page.get_by_text(f"{reference} is now: Referred to the Director of Education")).to_be_visible()

    step(page, "Reported to Ofsted", "Director agreed to report")
    fill_date(page, "Date reported to Ofsted", date.today())
    page.get_by_label("Ofsted reference").fill("OFS-2026-0042")
    page.get_by_role("button", name="Record this step").click()
    expect(page.get_by_text(f"{reference} is now: Reported to Ofsted")).to_be_visible()

    step(page, "Closed", "Ofsted visited")
    page.get_by_label("Outcome (closing)").fill(
        "Ofsted issued a warning notice; the setting stopped operating"
    )
    page.get_by_role("button", name="Record this step").click()
    expect(page.get_by_text(f"{reference} is now: Closed")).to_be_visible()
    history = page.locator(".app-audit").first.inner_text()
    for reason in (
        "Evidence is specific and recent",
        "Premises not known to the authority",
        "Director agreed to report",
        "Ofsted visited",
    ):
        assert reason in history
    screenshot(page, "escalation-closed")
    context.close()


def test_head_of_access_suspends_a_provider_while_reviewing(page, live_server):
    """An officer reports a provider; the Head of Access suspends it; the register says so."""
    sign_in(page, live_server, "officer@example.org")
    page.get_by_role("link", name="Providers", exact=True).click()
    page.get_by_role("link", name="Bridges Learning Centre").click()
    page.get_by_role("link", name="Report a concern that this provider").click()
    page.get_by_label("What was seen or heard").fill("A second site used full-time")
    page.get_by_label("How you know").fill("Seen on a visit")
    page.get_by_role("button", name="Send to the Head of Access").click()
    page.get_by_role("button", name="Sign out").click()
    # Once the sync has brought the officer's open visits onto the tablet, signing out asks
    # whether to keep them there (this test is not about that: they are kept).
    keep = page.get_by_role("button", name="Keep and sign out")
    expect(keep.or_(page.get_by_role("heading", name="Sign in"))).to_be_visible()
    if keep.is_visible():
        keep.click()
    expect(page).to_have_url(re.compile(r"/login"))

    sign_in(page, live_server, "head@example.org")
    page.get_by_role("link", name="Escalations").click()
    page.locator("tr", has_text="Bridges Learning Centre").get_by_role("link").first.click()
    page.get_by_label("Reason (internal: never shown to schools or the public)").fill(
        "Open escalation about a second site"
    )
    page.get_by_role("button", name="Suspend the provider").click()
    expect(page.get_by_text("The provider is suspended on the register")).to_be_visible()
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_text("Providers suspended")).to_be_visible()
    screenshot(page, "dashboard")
    page.goto(f"{live_server}/register?q=bridges")
    expect(page.locator("tbody").get_by_text("Suspended")).to_be_visible()
    assert page.get_by_text("second site").count() == 0
