"""Gateway panel referrals in a real browser (docs/domain.md §2.8): a school refers a pupil, the
panel asks for more information, the school completes and re-sends it, and the panel
accepts a place, which becomes the school's placement; a pupil with an EHC plan is sent
to the Complex Needs Team's single point of contact instead."""

from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from qa_app.extensions import db
from qa_app.placements.models import Placement
from qa_app.providers.models import Provider
from qa_app.referrals.models import Referral
from tests.browser.conftest import sign_in

SHOTS = Path("/tmp/shots")
PROVIDER = "Bridges Learning Centre"
REF = "GW-RA-0107"


def shot(page, name):
    """A full-page screenshot to look at, in /tmp/shots."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"referral-{name}.png"), full_page=True)


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def fill_referral(page, ref, ehc_plan=False):
    """The pupil and the school's account of them; every seed-000 item but the EP's."""
    page.get_by_label("Pupil's reference").fill(ref)
    page.get_by_label("Year group").fill("9")
    page.get_by_label("The pupil receives SEN support").check()
    if ehc_plan:
        page.get_by_label("The pupil has an EHC plan").check()
    page.get_by_label("A place", exact=True).check()
    page.get_by_label("The pupil's needs").fill("Anxiety and anger in lessons; finds change very hard.")
    page.get_by_label("What has happened").fill("Two suspensions this term; attendance down to 71%.")
    page.get_by_label("ISAT is involved").check()
    page.get_by_label("A CAF has been opened").check()
    page.get_by_label("The school's SENCO is involved").check()
    page.get_by_label("Interventions in place for the pupil's SEMH needs").fill(
        "Daily check-in with a key adult; a mentor; a reduced timetable for two weeks."
    )


def test_a_referral_is_returned_completed_and_accepted_for_a_place(live_app, live_server, new_page):
    """The school refers; the panel asks for more; the school re-sends; a place becomes a placement."""
    school = new_page()
    sign_in(school, live_server, "school@example.org")
    school.get_by_role("link", name="Referrals").first.click()
    school.get_by_role("button", name="Refer a pupil").click()
    checklist = school.locator("#referral-checklist")
    expect(checklist).to_contain_text("Involve ISAT")
    fill_referral(school, REF)
    # The list follows the form as it is filled in, before any save.
    expect(checklist).not_to_contain_text("Involve ISAT")
    expect(checklist).not_to_contain_text("SENCO")
    expect(checklist).to_contain_text("educational psychologist")
    school.get_by_role("button", name="Save as draft").click()
    expect(checklist).to_contain_text("educational psychologist")
    expect(checklist).not_to_contain_text("Involve ISAT")
    shot(school, "school-form-checklist")

    school.get_by_role("button", name="Send to the Gateway panel").click()
    expect(school.locator(".govuk-error-summary")).to_contain_text("educational psychologist")
    school.get_by_label("The school will refer to an educational psychologist when one is available").check()
    school.get_by_role("button", name="Send to the Gateway panel").click()
    expect(school.get_by_text("has been sent to the Gateway panel")).to_be_visible()

    panel = new_page()
    sign_in(panel, live_server, "officer@example.org")
    panel.goto(f"{live_server}/referrals")
    expect(panel.locator("#referral-queue")).to_contain_text(REF)
    shot(panel, "queue")
    panel.locator("#referral-queue").get_by_role("link", name=REF).click()
    panel.get_by_label("More information needed").check()
    panel.get_by_label("What information the panel needs").fill("The educational psychologist's report.")
    shot(panel, "decision-page")
    panel.get_by_role("button", name="Record the decision").click()
    expect(panel.get_by_text("Decision recorded: more information needed.")).to_be_visible()

    school.goto(f"{live_server}/referrals")
    row = school.locator("#referral-list tr", has_text=REF)
    expect(row).to_contain_text("More information needed")
    expect(row).to_contain_text("The educational psychologist's report.")
    row.get_by_role("link", name=REF).click()
    school.get_by_role("button", name="Change and send the referral").click()
    expect(school.locator("#information-needed")).to_contain_text("The educational psychologist's report.")
    school.get_by_label("An educational psychologist has assessed the pupil").check()
    school.get_by_role("button", name="Send to the Gateway panel").click()
    expect(school.get_by_text("has been sent to the Gateway panel")).to_be_visible()
    expect(school.locator("#referral-history")).to_contain_text("Sent to the Gateway panel again")

    with live_app.app_context():
        provider_id = db.session.scalar(select(Provider.id).where(Provider.name == PROVIDER))
    start = date.today() + timedelta(days=7)
    panel.goto(f"{live_server}/referrals")
    panel.locator("#referral-queue").get_by_role("link", name=REF).click()
    panel.get_by_label("Accepted for a place").check()
    panel.get_by_label("Provider offering the place").select_option(str(provider_id))
    fill_date(panel, "Start date of the place", start)
    fill_date(panel, "Planned end date of the place", start + timedelta(days=84))
    panel.get_by_label("Days a week").fill("2")
    panel.get_by_label("Hours a week").fill("10")
    panel.get_by_label("The panel's reason").fill("Two days a week at the provider, three in school.")
    shot(panel, "decision-place")
    panel.get_by_role("button", name="Record the decision").click()
    expect(panel.get_by_text("Decision recorded: accepted for a place.")).to_be_visible()
    expect(panel.locator("#referral-history")).to_contain_text("Placement recorded")

    with live_app.app_context():
        referral = db.session.scalar(select(Referral).where(Referral.pupil_ref == REF))
        placement = db.session.scalar(select(Placement).where(Placement.pupil_ref == REF))
        assert referral.status == "accepted" and referral.placement_id == placement.id
        assert placement.provider.name == PROVIDER and placement.school.name == "Riverside Academy"
        assert (placement.start_date, placement.days_per_week, placement.hours_per_week) == (start, 2, 10)
        actions = [event.action for event in referral.events]
        assert actions[0] == "created" and actions.index("sent") < actions.index("more_information")
        assert actions.index("more_information") < actions.index("resent")
        assert actions[-2:] == ["accepted", "placement_created"]

    school.goto(f"{live_server}/placements")
    expect(school.get_by_role("link", name=REF)).to_be_visible()
    school.goto(f"{live_server}/referrals")
    expect(school.locator("#referral-list tr", has_text=REF)).to_contain_text(
        f"Accepted for a place at {PROVIDER}"
    )


def test_a_pupil_with_an_ehc_plan_goes_to_the_single_point_of_contact(live_app, live_server, page):
    """Sending is stopped with the single point of contact's words; the referral stays a draft."""
    spoc = live_app.config["COMPLEX_NEEDS_SPOC"]
    sign_in(page, live_server, "school2@example.org")
    page.goto(f"{live_server}/referrals/new")
    fill_referral(page, "GW-EB-0200", ehc_plan=True)
    page.get_by_label("An educational psychologist has assessed the pupil").check()
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator("#complex-needs")).to_contain_text(spoc)
    page.get_by_role("button", name="Send to the Gateway panel").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(spoc)
    expect(page.locator(".govuk-error-summary")).to_contain_text("not sent to the Gateway panel")
    shot(page, "ehc-plan")
    with live_app.app_context():
        referral = db.session.scalar(select(Referral).where(Referral.pupil_ref == "GW-EB-0200"))
        assert referral.status == "draft" and referral.sent_at is None
        assert [event.action for event in referral.events] == ["created"]
