"""Providers in the loop, in a real browser with axe on every page, at phone and tablet widths:
the demo provider's staff member uploads a document, answers an action and comments on the
draft report; its officer approves the document, verifies the answer and answers the comment;
the Head of Access signs the visit off once the window has closed."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from qa_app.auth.models import User
from qa_app.extensions import db
from qa_app.visits.accuracy import DraftShare
from tests.browser.conftest import screenshot, sign_in

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def shot(page, what, size, name):
    """A full-page screenshot at the test's width (axe checks each page at 768 px)."""
    page.set_viewport_size(size)
    screenshot(page, f"{what}-{name}")


def fill_date(page, legend, day, month, year):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


@pytest.mark.parametrize("size, name", [(PHONE, "390"), (TABLET, "768")])
def test_provider_staff_and_officer_close_the_loop(live_app, live_server, new_page, size, name, tmp_path):
    """Upload, answer, comment; approve, verify, answer; sign off after the window."""
    with live_app.app_context():
        staff = db.session.scalar(select(User).where(User.email == "provider@example.org"))
        provider_id, officer_email = staff.provider_id, staff.provider.officer.email
        share = db.session.scalar(select(DraftShare).where(DraftShare.provider_id == provider_id))
        visit_uuid = share.visit.uuid
    evidence = Path(tmp_path) / "fire drill log.pdf"
    evidence.write_bytes(PDF)

    page = new_page()
    page.set_viewport_size(size)
    sign_in(page, live_server, "provider@example.org")
    expect(page.get_by_role("link", name="Documents")).to_be_visible()
    expect(page.locator("[data-qa-status]")).to_contain_text("Quality assured \u2014 documents overdue")
    shot(page, "provider-home", size, name)

    # A document: the fire risk assessment, renewed.
    page.get_by_role("link", name="Documents").click()
    card = page.locator("#document-fire_risk_assessment")
    expect(card).to_contain_text("Out of date")
    expect(page.locator("#document-employers_liability")).to_contain_text("Expires soon")
    shot(page, "provider-documents", size, name)
    card.get_by_role("link", name="Upload a new version").click()
    page.get_by_label("The document").set_input_files(str(evidence))
    fill_date(page, "Date issued", 1, 12, 2026)
    fill_date(page, "Expiry date", 30, 11, 2027)
    shot(page, "provider-document-upload", size, name)
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("uploaded")
    expect(card).to_contain_text("Waiting for approval")

    # An action, answered with evidence.
    page.goto(f"{live_server}/provider/actions")
    action = page.locator(".govuk-summary-card", has_text="Carry out and log a fire drill each term")
    expect(action).to_contain_text("Overdue")
    shot(page, "provider-actions", size, name)
    action.get_by_role("link", name="Answer").click()
    page.get_by_role("button", name="Answer this action").click()
    page.get_by_label("What was done").fill("Drills held on 3 and 24 November; the log is in the office.")
    page.get_by_label("Evidence").set_input_files(str(evidence))
    shot(page, "provider-action-answer", size, name)
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Answer sent")

    # The draft report: one comment, then no more.
    page.goto(f"{live_server}/provider/drafts")
    shot(page, "provider-drafts", size, name)
    page.get_by_role("link", name="Visit on").first.click()
    expect(page.get_by_role("link", name="Download the draft report (PDF)")).to_be_visible()
    page.get_by_label("Which criterion is it about?").select_option("HS4")
    page.get_by_label("What is not accurate, and what is").fill(
        "The drill log had an entry for 12 September."
    )
    shot(page, "provider-draft", size, name)
    page.get_by_role("button", name="Send the comment").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Comment sent")
    page.get_by_role("button", name="We have no more comments").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("no more comments")

    page = new_page()
    page.set_viewport_size(size)
    sign_in(page, live_server, officer_email)
    page.goto(f"{live_server}/documents")
    page.get_by_role("link", name="Fire risk assessment").first.click()
    page.get_by_label("Approve it").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("approved")
    expect(page.locator("#document-fire_risk_assessment")).to_contain_text("In date")

    page.goto(f"{live_server}/providers/{provider_id}/actions")
    page.locator(".govuk-summary-card", has_text="Carry out and log").get_by_role(
        "link", name="Verify"
    ).click()
    page.get_by_label("Done", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-summary-card", has_text="Carry out and log")).to_contain_text("Done")

    page.goto(f"{live_server}/visits/{visit_uuid}/draft")
    page.get_by_role("link", name="Answer").first.click()
    page.get_by_label("Accepted: change the judgement").check()
    page.get_by_label("Judgement, if accepted").select_option("met")
    page.get_by_label("Evidence, if accepted").fill("")
    page.get_by_label("Your answer to the provider").fill("The log has an entry for September after all.")
    page.get_by_role("button", name="Save the answer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("accepted")
    expect(page.get_by_text("The Head of Access may sign the visit off.")).to_be_visible()

    page = new_page()
    page.set_viewport_size(size)
    sign_in(page, live_server, "head@example.org")
    page.goto(f"{live_server}/visits/{visit_uuid}")
    expect(page.locator("[data-accuracy-blocker]")).to_have_count(0)
    page.get_by_label("I have read the visit and agree with its ratings").check()
    page.get_by_role("button", name="Sign off this visit").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Signed off")
