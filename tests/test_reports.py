"""PDF visit reports (both editions), emailing them, and the register's CSV and PDF exports.

PDFs are read back with pypdf and checked for what they say, not just that they exist.
"""

import csv
import hashlib
import io
import re
import socket
import uuid
from datetime import date, timedelta

import pytest
from PIL import Image
from pypdf import PdfReader

from qa_app.extensions import db
from qa_app.framework.defaults import THEME_NAMES
from qa_app.framework.services import current_version
from qa_app.photos.services import save_photo
from qa_app.reports.content import visit_report
from qa_app.reports.pdf import build_visit_report
from qa_app.visits.models import VisitEvent

UNICODE_NAME = "Zoë Siân Łukasiewicz-O'Brien"
NOTES = "Internal: the lead has left; new DSL from January."
SUSPENSION = "Open escalation: possible unregistered provision at a second site."


def pdf_pages(data):
    """The text of each page, with runs of whitespace made single spaces."""
    assert data[:5] == b"%PDF-"
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def make_report_visit(make_visit):
    """make_report_visit(provider, officer, status="signed_off", ratings=None, evidence=None,
    reviewer=None) -> a visit judging every criterion: Amber overall (QE1 partly met, SG3 not met)."""

    def _make(provider, officer, status="signed_off", ratings=None, evidence=None, reviewer=None):
        if ratings is None:
            ratings = {c.code: "met" for c in current_version().active_criteria()}
            ratings |= {"QE1": "partly_met", "SG3": "not_met"}
        return make_visit(
            provider,
            days_ago=3,
            status=status,
            officer=officer,
            ratings=ratings,
            evidence=evidence or {code: f"Evidence for {code}: records sampled." for code in ratings},
            reviewer=reviewer,
            theme_notes={"SG": "The DSL knew every pupil's plan."},
            strengths="Warm relationships; pupils said they feel safe.",
            pupil_voice="Pupils said staff listen to them.",
        )

    return _make


def build(visit, edition="internal"):
    """The pure builder, without a request: the report of the visit as page texts."""
    return pdf_pages(build_visit_report(visit_report(visit, "Riverside Borough Council", edition)))


@pytest.fixture
def officer(make_user):
    """The visits' officer, with a name outside ASCII (not signed in: see signed_in)."""
    return make_user("officer", name=UNICODE_NAME)


@pytest.fixture
def head(make_user):
    return make_user("head_of_access", name="Joanne Okafor")


@pytest.fixture
def provider(make_provider, officer):
    provider = make_provider(
        name="Bridges Learning Centre", notes=NOTES, contact_email="office@bridges.example.org"
    )
    provider.suspended_reason = SUSPENSION
    db.session.commit()
    return provider


@pytest.fixture
def visit(make_report_visit, provider, officer, head):
    return make_report_visit(provider, officer, reviewer=head)


# -- the visit report --------------------------------------------------------------------------


def test_internal_report_has_themes_ratings_evidence_and_page_numbers(client, signed_in, visit, officer):
    """The internal edition names all six themes with their ratings and evidence, on numbered pages."""
    signed_in(officer)
    response = client.get(f"/visits/{visit.uuid}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert (
        f"filename=QA-{visit.visit_date.year}-{visit.provider_id}-{visit.uuid[:8]}-internal.pdf"
        in (response.headers["Content-Disposition"])
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    pages = pdf_pages(response.data)
    text = " ".join(pages)
    for name in THEME_NAMES.values():
        assert name in text
    assert "Overall rating AMBER" in pages[0]
    assert "Riverside Borough Council" in pages[0] and "Bridges Learning Centre" in pages[0]
    assert "Partly met" in text and "Not met" in text and "Met" in text
    assert "Evidence for SG3: records sampled." in text and "The DSL knew every pupil's plan." in text
    assert "SG3 Written confirmation of staff checks given to the commissioner: not met" in text
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in page
        assert "OFFICIAL-SENSITIVE" in page
        assert "DRAFT" not in page
    assert "Warm relationships" in text and "Pupils said staff listen to them." in text


def test_provider_edition_leaves_out_internal_sections(client, signed_in, visit, officer):
    """The provider edition has the ratings but no marking, internal notes or suspension reason."""
    signed_in(officer)
    internal = " ".join(pdf_pages(client.get(f"/visits/{visit.uuid}/report.pdf").data))
    response = client.get(f"/visits/{visit.uuid}/report.pdf?edition=provider")
    assert "-provider.pdf" in response.headers["Content-Disposition"]
    provider = " ".join(pdf_pages(response.data))
    for hidden in (NOTES, SUSPENSION, "Internal information", "OFFICIAL-SENSITIVE"):
        assert hidden in internal
        assert hidden not in provider
    assert "Provider edition" in provider and "Overall rating AMBER" in provider
    assert all(name in provider for name in THEME_NAMES.values())


def test_draft_report_says_draft_on_every_page(signed_in, make_report_visit, client, provider, officer):
    """A visit not yet signed off gives a report marked DRAFT on every page."""
    signed_in(officer)
    draft = make_report_visit(provider, officer, status="draft")
    pages = pdf_pages(client.get(f"/visits/{draft.uuid}/report.pdf").data)
    assert len(pages) > 1
    assert all("DRAFT" in page for page in pages)
    assert "Not yet signed off (draft)" in pages[0]


def test_visit_with_no_judgements_still_makes_a_report(make_report_visit, app, provider, officer):
    """No judgements yet: a valid PDF that says so, every theme not rated."""
    empty = make_report_visit(provider, officer, status="draft", ratings={})
    pages = build(empty)
    text = " ".join(pages)
    assert "No criteria have been judged yet" in pages[0]
    assert "Overall rating NOT RATED" in pages[0]
    assert text.count("Not judged") >= len(current_version().active_criteria())


def test_long_evidence_runs_over_pages_and_nothing_is_lost(make_report_visit, app, provider, officer):
    """20,000 characters of evidence flow across pages and every word of it is in the PDF."""
    words = [f"w{n:05d}" for n in range(2857)]
    long_evidence = " ".join(words) + "!!"
    assert len(long_evidence) == 20_000
    ratings = {c.code: "met" for c in current_version().active_criteria()}
    long_visit = make_report_visit(provider, officer, ratings=ratings, evidence={"SG1": long_evidence})
    pages = build(long_visit)
    with_evidence = [n for n, page in enumerate(pages) if "w0" in page]
    assert len(with_evidence) >= 3
    found = re.findall(r"w\d{5}", " ".join(pages[n] for n in with_evidence))
    assert found == words and "w02856!!" in pages[with_evidence[-1]]


def test_markup_and_control_characters_are_plain_text(make_report_visit, app, provider, officer):
    """HTML-like text is shown literally, control characters are dropped, the layout holds."""
    evidence = {
        "QE1": "Tutor wrote <script>alert('x')</script> and <b>bold</b> & <br/> on\x07 the\x1b[31m board",
        "QE2": "x" * 3000,  # one word longer than a line
        "QE3": "<para><font size=80>big</font></para>",
    }
    ratings = {code: "partly_met" for code in evidence}
    pages = build(make_report_visit(provider, officer, status="draft", ratings=ratings, evidence=evidence))
    text = " ".join(pages)
    assert "<script>alert('x')</script> and <b>bold</b> & <br/> on the[31m board" in text
    assert "<para><font size=80>big</font></para>" in text
    assert "\x07" not in text and "\x1b" not in text
    assert "".join(re.findall(r"x{10,}", text)) == "x" * 3000


def test_unicode_names_are_embedded_in_the_font(client, signed_in, visit, officer):
    """Names outside ASCII render: the text comes back and the TrueType font is embedded."""
    signed_in(officer)
    data = client.get(f"/visits/{visit.uuid}/report.pdf").data
    assert UNICODE_NAME in pdf_pages(data)[0]
    fonts = [
        font.get_object() for font in PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"].values()
    ]
    embedded = [str(font["/BaseFont"]) for font in fonts if "/FontFile2" in font.get("/FontDescriptor", {})]
    assert any(name.endswith("+SourceSansPro-Regular") for name in embedded)


def test_photos_are_in_the_report_and_an_unreadable_one_is_listed_as_missing(
    make_report_visit, app, provider, officer
):
    """Photos of evidence appear with their captions; one that cannot be read is listed as missing."""
    visit = make_report_visit(provider, officer, status="draft")
    for caption, code in (("Fire door log", "HS4"), ("Broken record", "SG3")):
        out = io.BytesIO()
        Image.new("RGB", (800, 600), "teal").save(out, "JPEG")
        data = out.getvalue()
        photo, _ = save_photo(
            officer,
            visit,
            str(uuid.uuid4()),
            data,
            "image/jpeg",
            hashlib.sha256(data).hexdigest(),
            code,
            caption,
        )
        db.session.commit()
        if code == "SG3":
            photo.data = b"not a picture any more"
            db.session.commit()
    data = build_visit_report(visit_report(visit, "Riverside Borough Council"))
    text = " ".join(pdf_pages(data))
    assert "HS4: Fire door log" in text
    assert "Photo missing: SG3: Broken record" in text
    images = [
        name
        for page in PdfReader(io.BytesIO(data)).pages
        for name, xobject in (page["/Resources"].get("/XObject") or {}).items()
        if xobject.get_object()["/Subtype"] == "/Image"
    ]
    assert len(images) == 1


# -- who may read which edition ------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, edition, status, expected",
    [
        ("school", "provider", "signed_off", 200),
        ("school", "internal", "signed_off", 403),
        ("school", "provider", "draft", 404),
        ("admin", "provider", "signed_off", 403),
        ("officer", "provider", "signed_off", 404),  # another officer's visit
        ("head_of_access", "internal", "draft", 200),
    ],
)
def test_who_may_read_which_edition(
    signed_in, make_report_visit, client, provider, officer, head, role, edition, status, expected
):
    """Schools read the provider edition of signed-off visits only; other officers see nothing."""
    signed_in(officer)
    visit = make_report_visit(provider, officer, status=status, reviewer=head)
    client.post("/logout")
    signed_in(role)
    response = client.get(f"/visits/{visit.uuid}/report.pdf?edition={edition}")
    assert response.status_code == expected
    if expected == 200 and edition == "provider":
        assert "OFFICIAL-SENSITIVE" not in " ".join(pdf_pages(response.data))


def test_unknown_edition_is_404(client, signed_in, visit, officer):
    """Only the two editions exist."""
    signed_in(officer)
    assert client.get(f"/visits/{visit.uuid}/report.pdf?edition=everything").status_code == 404


def test_visit_page_offers_both_editions_and_email(client, signed_in, visit, officer):
    """The visit page links to both editions and offers to email the provider's."""
    signed_in(officer)
    page = client.get(f"/visits/{visit.uuid}").get_data(as_text=True)
    assert f"/visits/{visit.uuid}/report.pdf" in page
    assert f"/visits/{visit.uuid}/report.pdf?edition=provider" in page
    assert "Email the provider&#39;s report to office@bridges.example.org" in page


def test_school_sees_a_report_link_on_the_provider_page(
    signed_in, make_report_visit, client, visit, provider, officer
):
    """On the provider page a school user gets the provider edition of signed-off visits only."""
    signed_in(officer)
    draft = make_report_visit(provider, officer, status="draft")
    client.post("/logout")
    signed_in("school")
    page = client.get(f"/providers/{provider.id}").get_data(as_text=True)
    assert f"/visits/{visit.uuid}/report.pdf?edition=provider" in page
    assert draft.uuid not in page


# -- emailing the provider edition ---------------------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def email_events(visit):
    return db.session.scalars(
        db.select(VisitEvent).where(VisitEvent.visit_id == visit.id, VisitEvent.action == "email")
    ).all()


def test_email_sends_the_provider_edition_and_records_it(client, signed_in, app, mailbox, visit, officer):
    """The provider's contact gets the provider edition attached; the visit's history says so."""
    signed_in(officer)
    app.config["MAIL_FROM"] = "qa@riverside.example.org"
    response = client.post(f"/visits/{visit.uuid}/report/email")
    assert response.status_code == 302 and response.headers["Location"] == f"/visits/{visit.uuid}"
    [message] = mailbox
    assert message["To"] == "office@bridges.example.org" and message["From"] == "qa@riverside.example.org"
    assert "Bridges Learning Centre" in message["Subject"]
    assert "overall rating is Amber" in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename().endswith("-provider.pdf")
    text = " ".join(pdf_pages(attachment.get_content()))
    assert "Provider edition" in text and "OFFICIAL-SENSITIVE" not in text and NOTES not in text
    [event] = email_events(visit)
    assert (
        event.user_id == officer.id
        and event.comment == "Provider edition emailed to office@bridges.example.org"
    )
    assert "Report emailed" in client.get(f"/visits/{visit.uuid}").get_data(as_text=True)


def test_draft_report_is_not_emailed(signed_in, make_report_visit, client, mailbox, provider, officer):
    """Only a signed-off visit's report goes to the provider."""
    signed_in(officer)
    draft = make_report_visit(provider, officer, status="draft")
    page = client.post(f"/visits/{draft.uuid}/report/email", follow_redirects=True).get_data(as_text=True)
    assert "Only a signed-off visit" in page
    assert mailbox == [] and email_events(draft) == []


def test_provider_without_contact_email_is_not_emailed(client, signed_in, mailbox, visit, provider, officer):
    """No contact email: nothing is sent, and the officer is told what to do."""
    signed_in(officer)
    provider.contact_email = ""
    db.session.commit()
    page = client.post(f"/visits/{visit.uuid}/report/email", follow_redirects=True).get_data(as_text=True)
    assert "has no contact email" in page and mailbox == [] and email_events(visit) == []


def test_mail_server_down_records_nothing(client, signed_in, app, visit, officer):
    """When the mail server cannot be reached the officer is told, and no email is recorded."""
    signed_in(officer)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_USE_TLS=False)
    page = client.post(f"/visits/{visit.uuid}/report/email", follow_redirects=True).get_data(as_text=True)
    assert "could not be sent" in page and email_events(visit) == []


def test_email_is_off_without_a_mail_server(client, signed_in, app, visit, officer):
    """With no MAIL_SERVER, the report is not (pretended to be) sent."""
    signed_in(officer)
    app.config["MAIL_SERVER"] = ""
    page = client.post(f"/visits/{visit.uuid}/report/email", follow_redirects=True).get_data(as_text=True)
    assert "Email is not set up" in page and email_events(visit) == []


# -- register exports --------------------------------------------------------------------------


@pytest.fixture
def register(make_provider, make_visit, app):
    """Eight Riverside providers in assorted states, two elsewhere, and a page size of three."""
    app.config["REGISTER_PAGE_SIZE"] = 3
    riverside = [
        make_provider(name=f"Riverside {n} Centre", borough="Riverside", notes=NOTES) for n in range(8)
    ]
    for provider, rag in zip(riverside, ("green", "amber", "red", "green", "amber"), strict=False):
        make_visit(provider, rag=rag, days_ago=30)
    riverside[5].name = '=HYPERLINK("http://evil.example")'
    riverside[6].suspended_reason = SUSPENSION
    for n in range(2):
        make_provider(name=f"Northgate {n} Centre", borough="Northgate")
    db.session.commit()
    return riverside


def screen_rows(client, query):
    """The provider links the register page shows for a query, over all its pages."""
    ids, page = [], 1
    while True:
        html = client.get(f"/providers?{query}&page={page}").get_data(as_text=True)
        found = re.findall(r'href="/providers/(\d+)"', html)
        if not found:
            return ids
        ids += [int(n) for n in found]
        page += 1


def test_csv_export_has_exactly_the_rows_on_screen(client, signed_in, officer, register):
    """The CSV has every row the filtered register shows, over all its pages, in its order."""
    signed_in(officer)
    query = "borough=Riverside&sort=rag"
    response = client.get(f"/providers/export.csv?{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    on_screen = screen_rows(client, query)
    assert len(on_screen) == 8 > 3
    assert [int(row["ID"]) for row in rows] == on_screen
    first = rows[0]
    assert (first["Overall RAG"], first["Borough"]) == ("Red", "Riverside")
    assert date.fromisoformat(first["Last visit"]) == date.today() - timedelta(days=30)
    assert {row["QA status"] for row in rows} >= {"Quality assured", "Not quality assured", "Suspended"}
    assert NOTES not in response.get_data(as_text=True) and SUSPENSION not in response.get_data(as_text=True)


def test_csv_never_holds_a_spreadsheet_formula(client, signed_in, officer, register):
    """A provider name that looks like a formula is written so Excel shows it as text."""
    signed_in(officer)
    rows = list(csv.reader(io.StringIO(client.get("/providers/export.csv").data.decode("utf-8-sig"))))
    assert '\'=HYPERLINK("http://evil.example")' in [row[1] for row in rows]


def test_register_pdf_states_filters_and_lists_the_rows(client, signed_in, officer, register):
    """The register PDF states its filters and date, and lists exactly the filtered providers."""
    signed_in(officer)
    response = client.get("/providers/export.pdf?borough=Riverside&qa_status=quality_assured&sort=name")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = pdf_pages(response.data)
    text = " ".join(pages)
    assert "Provider register" in text
    assert "Filters: QA status: Quality assured; Borough: Riverside" in text and "Sorted by: Name" in text
    assert f"Produced {date.today().day} {date.today():%B %Y}" in text
    names = re.findall(r"Riverside \d Centre", text)
    assert names == ["Riverside 0 Centre", "Riverside 1 Centre", "Riverside 3 Centre", "Riverside 4 Centre"]
    assert "4 providers" in text
    assert "Page 1 of 1" in pages[0]
    assert "Northgate" not in text and NOTES not in text


def test_register_pdf_of_no_rows_says_so(client, signed_in, officer, register):
    """Filters that match nothing still give a PDF, which says so."""
    signed_in(officer)
    text = " ".join(pdf_pages(client.get("/providers/export.pdf?q=nothing-matches").data))
    assert "No providers match these filters." in text


def test_register_page_links_to_exports_with_its_filters(client, signed_in, officer, register):
    """The register's download links keep the filters on screen (and every page, not just this one)."""
    signed_in(officer)
    html = client.get("/providers?borough=Riverside&sort=rag&page=2").get_data(as_text=True)
    assert 'href="/providers/export.csv?borough=Riverside&amp;sort=rag"' in html
    assert 'href="/providers/export.pdf?borough=Riverside&amp;sort=rag"' in html
