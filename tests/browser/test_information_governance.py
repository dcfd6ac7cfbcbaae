"""Information governance in a real browser: the Head of Access logs a subject access request
and downloads its pack, places a legal hold on an escalation and releases it; an administrator
reads the disposal log. axe-core checks each page at 390, 768 and 1280 px."""

import io
from datetime import date
from pathlib import Path

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import screenshot, sign_in

PUPIL = "EHS-2291"  # looked after, placed by Eastbrook High School in the demo
SCHOOL = "Eastbrook High School"


def test_the_head_of_access_answers_a_subject_access_request(page, live_server):
    """From her dashboard: log the request, see its due date, download the pack as PDF."""
    sign_in(page, live_server, "head@example.org")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    page.get_by_role("link", name="Subject access requests").click()
    page.get_by_role("button", name="Log a request").click()

    page.get_by_role("button", name="Log the request").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()

    page.get_by_label("School").select_option(label=SCHOOL)
    page.get_by_label("Pupil reference").fill(PUPIL)
    received = page.get_by_role("group", name="Date the request was received")
    today = date.today()
    received.get_by_label("Day").fill(str(today.day))
    received.get_by_label("Month").fill(str(today.month))
    received.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Log the request").click()
    expect(page.get_by_text("logged: due by")).to_be_visible()
    screenshot(page, "subject-access-request")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the pack (PDF)").click()
    pack = download.value
    data = Path(pack.path()).read_bytes()
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert PUPIL in text and SCHOOL in text
    page.reload()
    expect(page.get_by_text("Answered").first).to_be_visible()


def test_a_legal_hold_is_placed_and_released(page, live_server):
    """The Head of Access holds an escalation with a reason, then releases it with another."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "head@example.org")
    page.get_by_role("link", name="Escalations", exact=True).click()
    reference = page.locator("tbody tr").first.locator("a").inner_text()
    page.get_by_role("link", name="Dashboard", exact=True).click()
    page.get_by_role("link", name="Legal holds").click()
    expect(page.get_by_text("No record is on hold.")).to_be_visible()

    page.get_by_label("Escalation", exact=True).check()
    page.get_by_label("Reference").fill("ESC-99999")
    page.get_by_label("Why it must be kept").fill("A complaint to the Ombudsman")
    page.get_by_role("button", name="Place the hold").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()

    page.get_by_label("Reference").fill(reference)
    page.get_by_role("button", name="Place the hold").click()
    expect(page.get_by_text(f"{reference} is on hold")).to_be_visible()
    expect(page.get_by_role("cell", name="A complaint to the Ombudsman")).to_be_visible()
    screenshot(page, "legal-holds-phone")

    page.get_by_role("link", name=f"Release the hold on {reference}").click()
    page.get_by_label("Why the record need no longer be kept").fill("The Ombudsman closed the complaint")
    page.get_by_role("button", name="Release the hold").click()
    expect(page.get_by_text("No record is on hold.")).to_be_visible()
    expect(page.get_by_role("cell", name="The Ombudsman closed the complaint")).to_be_visible()


def test_an_administrator_reads_the_disposal_log(page, live_server):
    """The disposal log opens from the Users page, with nothing personal on it."""
    sign_in(page, live_server, "admin@example.org")
    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_role("link", name="Disposal log").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Disposal")
    screenshot(page, "disposal-log")
