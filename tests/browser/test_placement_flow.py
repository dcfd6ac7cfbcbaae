"""A school places a pupil with a provider that is not quality assured, in a real browser:
the form says why and asks for the school's reason, the provider's officer and the Head of
Access are told, then the school records a review and ends the placement."""

from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from qa_app.dates import short_date
from qa_app.extensions import db
from qa_app.notifications.models import OutboxEmail
from qa_app.placements.models import Placement
from qa_app.providers.models import Provider
from tests.browser.conftest import screenshot, sign_in

PROVIDER = "The Harbour Project"  # Red at its latest visit in the demo data, and unregistered
REF = "BRW-0042"


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_school_places_reviews_and_ends_a_placement(live_app, live_server, page):
    """The placement's whole life as the school's staff live it."""
    with live_app.app_context():
        provider = db.session.scalar(select(Provider).where(Provider.name == PROVIDER))
        provider_id, last_visit = provider.id, provider.rating_visit_date
    today = date.today()
    start = today - timedelta(days=21)

    sign_in(page, live_server, "school@example.org")
    page.goto(f"{live_server}/placements/new")
    page.get_by_label("Provider").select_option(str(provider_id))
    page.get_by_role("button", name="Continue").click()

    warning = page.locator("#placing-check")
    expect(warning).to_contain_text(f"{PROVIDER} is not quality assured")
    expect(page.get_by_text("Latest signed-off visit is Red")).to_be_visible()
    last_visit_row = page.locator(".govuk-summary-list__row", has_text="Last visit")
    expect(last_visit_row).to_contain_text(short_date(last_visit))
    screenshot(page, "placement-not-quality-assured")

    page.get_by_label("Pupil's reference").fill("John Smith")
    page.get_by_label("Year group").fill("10")
    page.get_by_label("Reason for the placement").select_option("at_risk_of_exclusion")
    fill_date(page, "Start date", start)
    fill_date(page, "Planned end date", start + timedelta(days=84))
    page.get_by_label("Days a week").fill("5")
    page.get_by_label("Hours a week").fill("25")
    page.get_by_label("Objectives").fill("Back to the home school full time by the spring half term")
    page.get_by_role("button", name="Save placement").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("looks like a name")
    expect(summary).to_contain_text("give the school's reason")
    page.get_by_label("Pupil's reference").fill(REF)
    page.get_by_label("The school's reason for placing the pupil with this provider").fill(
        "The only provider with a construction course this term; we visited it ourselves."
    )
    page.get_by_role("button", name="Save placement").click()
    expect(page.get_by_role("heading", name=f"Placement of {REF}")).to_be_visible()

    with live_app.app_context():
        placement = db.session.scalar(select(Placement).where(Placement.pupil_ref == REF))
        assert placement.provider_status_when_placed == "not_quality_assured"
        email = db.session.scalar(select(OutboxEmail).where(OutboxEmail.body.contains(REF)))
        assert "head@example.org" in email.recipients and PROVIDER in email.body
        assert "Riverside Academy" in email.body and "construction course" in email.body

    page.get_by_role("button", name="Add a review").click()
    fill_date(page, "Date of the review", today)
    page.get_by_label("Sessions possible since the last review").fill("30")
    page.get_by_label("Sessions attended").fill("26")
    page.get_by_label("Unauthorised absences (sessions)").fill("2")
    page.get_by_label("The pupil's own view").fill("I like the workshop days")
    page.get_by_label("Continue", exact=True).check()
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("26 attended of 30 possible")).to_be_visible()

    page.get_by_role("button", name="End the placement").click()
    fill_date(page, "Date the placement ended", today)
    page.get_by_label("Back to the home school full time").check()
    page.get_by_label("The pupil's own assessment of the placement").fill("It got me back on track")
    page.get_by_role("button", name="End the placement").click()
    expect(page.get_by_text("The placement has ended.")).to_be_visible()
    expect(page.get_by_text("It got me back on track")).to_be_visible()
    screenshot(page, "placement-ended")
