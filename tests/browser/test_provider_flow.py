"""Provider staff in a real browser, on a phone and on a tablet: provider@example.org answers
the self-assessment its officer asked for (with a document), sends it, and confirms the
safeguarding checks for a pupil placed with it. Each provider page is screenshotted."""

from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from qa_app.extensions import db
from qa_app.notifications.models import OutboxEmail
from qa_app.placements.models import Placement
from tests.browser.conftest import screenshot, sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SIZES = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 768, "height": 1024}}


def shot(page, name, size):
    """A screenshot at this size."""
    screenshot(page, f"{name}-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_a_provider_answers_its_self_assessment_and_confirms_a_placement(live_app, live_server, page, size):
    page.set_viewport_size(SIZES[size])
    sign_in(page, live_server, "provider@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bridges Learning Centre")
    expect(page.locator("[data-qa-status]")).to_be_visible()
    shot(page, "provider-home", size)

    page.get_by_role("link", name="Self-assessments").first.click()
    expect(page.get_by_text("To send")).to_be_visible()
    shot(page, "provider-self-assessments", size)
    page.locator("[data-self-assessments] a").first.click()
    overview = page.url
    shot(page, "provider-self-assessment", size)

    themes = page.locator("[data-themes] a").all_text_contents()
    assert len(themes) == 6
    for index, theme in enumerate(themes):
        page.goto(overview)
        # To the theme's address, not by a click: the accessibility check of the page just
        # loaded resizes it, and a click sent meanwhile can land on nothing (seen under load).
        link = page.get_by_role("link", name=theme, exact=True)
        page.goto(urljoin(page.url, link.get_attribute("href")))
        expect(page.get_by_role("heading", level=1)).to_have_text(theme)
        codes = page.locator("[data-criterion]").evaluate_all("els => els.map(e => e.dataset.criterion)")
        for code in codes:
            page.locator(f"input[name='rating_{code}'][value='met']").check()
        if index == 1:  # Safeguarding: one partly met, with evidence and a document
            page.locator("input[name='rating_SG2'][value='partly_met']").check()
            page.get_by_label("Your evidence for SG2").fill(
                "Right-to-work checks for two agency staff are still to be added."
            )
            page.locator("input[name='file_SG2']").set_input_files(
                files=[{"name": "single-central-record.pdf", "mimeType": "application/pdf", "buffer": PDF}]
            )
            shot(page, "provider-self-assessment-theme", size)
        page.get_by_role("button", name="Save and return").click()
        expect(page.get_by_text(f"{theme} saved.")).to_be_visible()
    for theme in themes:
        expect(page.locator(".govuk-task-list__item", has_text=theme)).to_contain_text("answered")
    page.get_by_role("button", name="Send the self-assessment").click()
    expect(page.locator("[data-status]")).to_contain_text("Sent on")
    expect(page.locator("[data-standard-areas]")).to_contain_text("Safeguarding and welfare")

    page.get_by_role("link", name="Back to the self-assessment").or_(
        page.get_by_role("link", name="Self-assessments")
    ).first.click()
    page.goto(f"{live_server}/provider/placements")
    waiting = page.locator("tr[data-placement]").first
    ref = waiting.get_attribute("data-pupil-ref")
    shot(page, "provider-placements", size)
    waiting.get_by_role("link", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ref)
    page.get_by_role("button", name="Confirm the safeguarding checks").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("designated safeguarding lead")
    page.get_by_label("Every member of our staff who works with this pupil has an enhanced DBS check").check()
    page.get_by_label("Our single central record is complete", exact=False).check()
    page.get_by_label("Name of the designated safeguarding lead").fill("Jo Park")
    shot(page, "provider-confirm", size)
    page.get_by_role("button", name="Confirm the safeguarding checks").click()
    expect(page.get_by_text(f"Safeguarding checks confirmed for pupil {ref}")).to_be_visible()
    confirmed = page.locator("tr[data-placement]", has_text=ref)
    expect(confirmed).to_contain_text("Confirmed")
    expect(confirmed).to_contain_text("Dee Patel")

    page.goto(f"{live_server}/provider/reports")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your reports")
    shot(page, "provider-reports", size)

    with live_app.app_context():
        placement = db.session.scalar(select(Placement).where(Placement.pupil_ref == ref))
        assert placement.safeguarding_confirmation.dsl_name == "Jo Park"
        assert placement.safeguarding_confirmation_received is not None
        subjects = db.session.scalars(select(OutboxEmail.subject)).all()
        assert any("Safeguarding checks confirmed" in s for s in subjects)
        assert any("sent its self-assessment" in s for s in subjects)
