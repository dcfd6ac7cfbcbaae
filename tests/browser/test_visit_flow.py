"""A QA visit in a real browser on a tablet: the officer starts it from the programme,
judges every theme, submits it, and the Head of Access signs it off; evidence is
required for anything but "Met"; two tabs saving the same visit meet on the conflict page.

These drive the server's pages, as a browser without JavaScript sees them: with it, the
visit form drawn in the browser takes over an officer's visit pages (that form's tests:
test_officers_day.py, test_form_parity.py, test_offline.py)."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
THEMES = (
    "Quality of Education",
    "Safeguarding",
    "Health and Safety",
    "Personal Development and Behaviour",
    "Leadership and Management",
    "Student Entitlement",
)


@pytest.fixture
def browser(browser):
    """The session's browser, opening its contexts without JavaScript."""
    new_context = browser.new_context
    browser.new_context = lambda **options: new_context(**{"java_script_enabled": False, **options})
    return browser


def first_provider_due(page, base_url):
    """Open My visits and return the name of the first provider due now or overdue."""
    page.goto(f"{base_url}/programme")
    expect(page.get_by_role("heading", name="My visits")).to_be_visible()
    due = page.get_by_role("table", name="Due now or overdue")
    return due.locator("tbody tr").first.get_by_role("link").first.inner_text()


def start_visit(page, base_url):
    """Start a visit with the start form's defaults; return (provider name, visit uuid)."""
    provider = first_provider_due(page, base_url)
    page.get_by_role("link", name=f"Start a visit to {provider}").click()
    page.get_by_role("button", name="Start the visit").click()
    # Without JavaScript the server makes the visit's UUID.
    expect(page).to_have_url(re.compile(r"/visits/[0-9a-f-]{36}$"))
    visit_uuid = page.url.rsplit("/", 1)[1]
    assert UUID.match(visit_uuid)
    return provider, visit_uuid


def criteria(page):
    """Each criterion's block on a theme page: its radios and its evidence box."""
    return page.locator(".app-criterion")


def judge_all_met(page):
    """Choose "Met" for every criterion on the theme page."""
    blocks = criteria(page)
    expect(blocks.first).to_be_visible()  # count() does not wait for the page to load
    for index in range(blocks.count()):
        blocks.nth(index).get_by_label("Met", exact=True).check()


def status_tag(page):
    """The visit's status tag under its heading."""
    return page.locator("main h1 + p .govuk-tag")


def fill_date(group, day):
    """Type a date into a GOV.UK date input's Day, Month and Year boxes."""
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_officer_makes_a_visit_and_the_head_of_access_signs_it_off(page, new_page, live_server):
    """The whole visit on a tablet, from My visits to Quality assured on the register."""
    sign_in(page, live_server, "officer@example.org")
    page.get_by_role("link", name="Visits", exact=True).click()
    expect(page.get_by_role("heading", name="My visits")).to_be_visible()
    due = page.get_by_role("table", name="Due now or overdue")
    provider = due.locator("tbody tr").first.get_by_role("link").first.inner_text()
    due.get_by_role("link", name=f"Start a visit to {provider}").click()

    expect(page.get_by_role("heading", name="Start a visit")).to_be_visible()
    today = date.today()
    fill_date(page.get_by_role("group", name="Date of the visit"), today)
    page.get_by_label("Scheduled").check()
    page.get_by_label("People met").fill("Headteacher (Ann Lee) and DSL (Tom Ray)")
    page.get_by_label("Number of pupils seen").fill("4")
    page.get_by_role("button", name="Start the visit").click()
    expect(page).to_have_url(re.compile(r"/visits/[0-9a-f-]{36}$"))
    visit_uuid = page.url.rsplit("/", 1)[1]
    assert UUID.match(visit_uuid)

    expect(page.get_by_role("heading", name=provider)).to_be_visible()
    tasks = page.locator(".govuk-task-list")
    for title in THEMES + ("Strengths and pupil voice", "Areas for development (actions)"):
        expect(tasks.get_by_role("link", name=title)).to_be_visible()
    screenshot(page, "visit-task-list-tablet")

    # Quality of Education: QE1 partly met, first saved without evidence.
    tasks.get_by_role("link", name="Quality of Education").click()
    expect(page.get_by_role("heading", name="Quality of Education")).to_be_visible()
    judge_all_met(page)
    first = criteria(page).first
    first.get_by_label("Partly met").check()
    page.get_by_role("button", name="Save and return to the visit").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the evidence for QE1: it is partly met")
    screenshot(page, "visit-theme-error-tablet")
    first.get_by_label("Evidence for QE1").fill("Tracker started; no review of progress yet.")
    page.get_by_role("button", name="Save and return to the visit").click()
    expect(page.get_by_text("Quality of Education saved.")).to_be_visible()
    expect(page.get_by_text("Amber so far")).to_be_visible()

    for theme in THEMES[1:]:
        tasks.get_by_role("link", name=theme).click()
        expect(page.get_by_role("heading", name=theme)).to_be_visible()
        judge_all_met(page)
        page.get_by_role("button", name="Save and return to the visit").click()
        expect(page.get_by_text(f"{theme} saved.")).to_be_visible()

    tasks.get_by_role("link", name="Strengths and pupil voice").click()
    page.get_by_label("Strengths").fill("Calm, well-run sessions; strong links with home schools.")
    page.get_by_label("Pupil voice").fill("Pupils said staff listen to them.")
    page.get_by_role("button", name="Save and return to the visit").click()

    tasks.get_by_role("link", name="Areas for development (actions)").click()
    page.get_by_label("What needs to be done").fill("Review each pupil's progress every half term.")
    page.get_by_label("Provider").check()
    fill_date(page.get_by_role("group", name="Due by"), today + timedelta(days=42))
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("Action added.")).to_be_visible()
    expect(page.get_by_text("Review each pupil's progress every half term.")).to_be_visible()
    page.get_by_role("link", name="Return to the visit").click()
    for title in THEMES + ("Strengths and pupil voice", "Areas for development (actions)"):
        expect(tasks.locator(".govuk-task-list__item", has_text=title)).to_contain_text("Complete")

    page.get_by_role("button", name="Check and submit").click()
    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()
    overall = page.locator(".govuk-inset-text")
    expect(overall).to_contain_text("Overall: Amber")
    expect(overall).to_contain_text("Quality of Education is Amber")
    expect(page.get_by_role("row", name=re.compile("^Quality of Education Amber"))).to_contain_text(
        "QE1 Clear educational purpose, with rigorous tracking of each pupil's progress: partly met"
    )
    expect(page.get_by_text("You cannot submit yet")).to_have_count(0)
    screenshot(page, "visit-check-answers-tablet")
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.get_by_text("Confirm that the visit is ready to be locked and sent").first).to_be_visible()
    page.get_by_label("The visit is ready: lock it and send it to the Head of Access").check()
    page.get_by_role("button", name="Submit for sign-off").click()

    expect(page).to_have_url(f"{live_server}/visits/{visit_uuid}")
    expect(
        page.get_by_text("Visit submitted and locked. The Head of Access will sign it off")
    ).to_be_visible()
    expect(status_tag(page)).to_have_text("Awaiting sign-off")
    expect(page.get_by_role("button", name="Check and submit")).to_have_count(0)
    page.goto(f"{live_server}/visits/{visit_uuid}/themes/SG")
    expect(page).to_have_url(f"{live_server}/visits/{visit_uuid}")
    expect(page.get_by_role("alert")).to_contain_text("can no longer be changed")

    head = new_page()
    sign_in(head, live_server, "head@example.org")
    head.get_by_role("link", name="Sign-off").click()
    expect(head.get_by_role("heading", name="Visits awaiting sign-off")).to_be_visible()
    queued = head.get_by_role("row", name=re.compile(f"^{re.escape(provider)} .*Priya Shah"))
    expect(queued).to_contain_text("Amber")
    queued.get_by_role("link", name=provider).click()
    expect(head).to_have_url(f"{live_server}/visits/{visit_uuid}")
    expect(head.locator(".govuk-inset-text")).to_contain_text("Overall: Amber")
    expect(head.get_by_label("What the officer needs to change")).to_be_visible()
    decision = head.locator("#decision")
    expect(decision).to_contain_text("Overall rating: Amber")
    assert decision.bounding_box()["y"] < 1024  # on the first screen of a tablet
    screenshot(head, "visit-head-of-access-tablet")
    head.get_by_role("button", name="Sign off this visit").click()
    expect(head.locator("#confirmed-error")).to_contain_text("Confirm that you have read the visit")
    expect(status_tag(head)).to_have_text("Awaiting sign-off")
    screenshot(head, "visit-sign-off-unconfirmed-tablet")
    head.get_by_label("I have read the visit and agree with its ratings").check()
    head.get_by_role("button", name="Sign off this visit").click()
    expect(head.get_by_text(f"Signed off. {provider} is now rated Amber on the register.")).to_be_visible()
    expect(status_tag(head)).to_have_text("Signed off")

    head.get_by_role("link", name="Providers", exact=True).click()
    head.get_by_label("Name or postcode").fill(provider)
    head.get_by_role("button", name="Apply filters").click()
    row = head.locator("tbody tr").filter(has=head.get_by_role("link", name=provider, exact=True))
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text("Quality assured")
    expect(row.locator("td").nth(2)).to_have_text("Amber")
    expect(row.locator("td").nth(3)).to_have_text(f"{today.day} {today:%b %Y}")


def test_evidence_is_required_unless_met(page, live_server):
    """ "Not met" without evidence shows the error summary and the error on that
    criterion, and keeps everything typed."""
    sign_in(page, live_server, "officer@example.org")
    _, visit_uuid = start_visit(page, live_server)
    page.goto(f"{live_server}/visits/{visit_uuid}/themes/SG")
    judge_all_met(page)
    blocks = criteria(page)
    blocks.nth(1).get_by_label("Not met", exact=True).check()
    blocks.nth(2).get_by_label("Partly met").check()
    blocks.nth(2).get_by_label("Evidence for SG3").fill("Policy seen; not yet signed by governors.")
    page.get_by_label("Comment on this theme").fill("Visit cut short by a fire drill.")
    page.get_by_role("button", name="Save and return to the visit").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(["Enter the evidence for SG2: it is not met"])
    # (GOV.UK Frontend's script moves focus to the summary; this page is read without it.)
    expect(blocks.nth(1).locator(".govuk-error-message")).to_contain_text("Enter the evidence for SG2")
    expect(blocks.nth(1).locator(".govuk-form-group--error")).to_have_count(1)
    expect(page.locator(".govuk-error-message")).to_have_count(1)
    expect(blocks.nth(1).get_by_label("Not met", exact=True)).to_be_checked()
    expect(blocks.nth(2).get_by_label("Partly met")).to_be_checked()
    expect(blocks.nth(2).get_by_label("Evidence for SG3")).to_have_value(
        "Policy seen; not yet signed by governors."
    )
    expect(blocks.nth(0).get_by_label("Met", exact=True)).to_be_checked()
    expect(page.get_by_label("Comment on this theme")).to_have_value("Visit cut short by a fire drill.")
    expect(summary.get_by_role("link")).to_have_attribute("href", re.compile("#"))
    screenshot(page, "visit-evidence-required-tablet")

    page.get_by_label("Evidence for SG2").fill("Two staff files had no DBS certificate.")
    page.get_by_role("button", name="Save and return to the visit").click()
    expect(page.get_by_text("Safeguarding saved.")).to_be_visible()


def test_two_tabs_saving_the_same_theme_meet_on_the_conflict_page(page, new_page, live_server):
    """The second tab's stale save shows both copies; "Keep my copy" keeps the second tab's."""
    sign_in(page, live_server, "officer@example.org")
    _, visit_uuid = start_visit(page, live_server)
    theme_url = f"{live_server}/visits/{visit_uuid}/themes/HS"
    second = new_page(page.context)
    page.goto(theme_url)
    second.goto(theme_url)

    criteria(page).first.get_by_label("Partly met").check()
    page.get_by_label("Evidence for HS1").fill("First tab: fire risk assessment out of date.")
    page.get_by_role("button", name="Save and return to the visit").click()
    expect(page.get_by_text("Health and Safety saved.")).to_be_visible()

    criteria(second).first.get_by_label("Not met", exact=True).check()
    second.get_by_label("Evidence for HS1").fill("Second tab: no fire risk assessment at all.")
    second.get_by_role("button", name="Save and return to the visit").click()
    expect(second.get_by_role("heading", name="Two copies of this visit")).to_be_visible()
    expect(second.get_by_role("alert")).to_contain_text("changed in another tab or on another device")
    row = second.get_by_role("row", name=re.compile("^HS1 "))
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_contain_text("Partly met")
    expect(row.locator("td").nth(0)).to_contain_text("First tab: fire risk assessment out of date.")
    expect(row.locator("td").nth(1)).to_contain_text("Not met")
    expect(row.locator("td").nth(1)).to_contain_text("Second tab: no fire risk assessment at all.")
    screenshot(second, "visit-conflict-tablet")

    second.get_by_role("button", name="Keep my copy").click()
    expect(second).to_have_url(f"{live_server}/visits/{visit_uuid}")
    expect(second.get_by_text("Your copy is now the visit.")).to_be_visible()
    page.goto(theme_url)
    expect(page.get_by_label("Evidence for HS1")).to_have_value("Second tab: no fire risk assessment at all.")
    expect(criteria(page).first.get_by_label("Not met", exact=True)).to_be_checked()


def test_two_tabs_changing_only_evidence_meet_on_the_conflict_page(page, new_page, live_server):
    """Two tabs editing only the evidence of an already judged criterion still clash."""
    sign_in(page, live_server, "officer@example.org")
    _, visit_uuid = start_visit(page, live_server)
    theme_url = f"{live_server}/visits/{visit_uuid}/themes/HS"
    page.goto(theme_url)
    criteria(page).first.get_by_label("Partly met").check()
    page.get_by_label("Evidence for HS1").fill("Fire risk assessment out of date.")
    page.get_by_role("button", name="Save and return to the visit").click()
    expect(page.get_by_text("Health and Safety saved.")).to_be_visible()

    second = new_page(page.context)
    page.goto(theme_url)
    second.goto(theme_url)
    page.get_by_label("Evidence for HS1").fill("First tab: dated March 2024, review overdue.")
    page.get_by_role("button", name="Save and return to the visit").click()
    expect(page.get_by_text("Health and Safety saved.")).to_be_visible()
    second.get_by_label("Evidence for HS1").fill("Second tab: manager promised an update.")
    second.get_by_role("button", name="Save and return to the visit").click()
    expect(second.get_by_role("heading", name="Two copies of this visit")).to_be_visible()
