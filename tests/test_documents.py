"""The documents a provider must hold: uploads checked by their bytes, approval, versions kept,
the QA status with a mandatory document out of date (in Python and in the register's SQL,
day by day around the 14 days of grace), placing, the bundle, and reminders once each."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from qa_app.documents.models import DocumentReminder, ProviderDocument
from qa_app.documents.reminders import send_document_reminders, stage_for
from qa_app.documents.services import (
    documents_of_provider,
    refresh_documents,
    review_document,
    upload_document,
)
from qa_app.domain import Invalid
from qa_app.extensions import db
from qa_app.framework.rating import QA_STATUSES, qa_status
from qa_app.notifications.models import OutboxEmail, utcnow
from qa_app.notifications.outbox import deliver_due
from qa_app.placements.placing import placing_check
from qa_app.providers.models import Provider
from qa_app.providers.search import qa_status_sql
from tests.factories import clear_outbox, version_on_page

TODAY = date(2026, 12, 7)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
INSURANCE = "employers_liability"


def _approve(provider, staff, officer, code, expiry, issue=None):
    """A document of the provider uploaded by its staff and approved by its officer."""
    document = upload_document(
        staff, provider, code, PDF, "cover.pdf", issue or expiry - timedelta(days=365), expiry, today=expiry
    )
    review_document(officer, document, "approve", "", document.version)
    db.session.commit()
    return document


@pytest.fixture
def assured(make_provider, make_user, make_visit):
    """(provider rated Green, its staff, its officer)."""
    officer = make_user("officer")
    provider = make_provider(officer_id=officer.id)
    make_visit(provider, rag="green", days_ago=30, officer=officer)
    clear_outbox()
    return provider, make_user("provider", provider=provider), officer


# -- the QA status, day by day around the grace ---------------------------------------------


@pytest.mark.parametrize(
    "days_after_expiry, status",
    [
        (-43, "quality_assured"),
        (-1, "quality_assured"),
        (0, "quality_assured"),  # in date to the end of its expiry date
        (1, "documents_overdue"),
        (2, "documents_overdue"),
        (13, "documents_overdue"),
        (14, "documents_overdue"),  # the last day of grace
        (15, "documents_out_of_date"),
        (16, "documents_out_of_date"),
        (400, "documents_out_of_date"),
    ],
)
def test_qa_status_with_a_document_out_of_date(days_after_expiry, status):
    """Quality assured while in date; overdue for 14 days after its expiry; then not."""
    expiry = TODAY - timedelta(days=days_after_expiry)
    found, reason = qa_status(
        "green", TODAY + timedelta(days=100), False, TODAY, {"Fire risk assessment": expiry}
    )
    assert found == status
    if status != "quality_assured":
        assert "Fire risk assessment" in reason


@pytest.mark.parametrize(
    "rag, valid_for, suspended, status",
    [
        ("red", 100, False, "not_quality_assured"),
        ("green", -1, False, "expired"),
        ("green", 100, True, "suspended"),
        (None, None, False, "not_quality_assured"),
    ],
)
def test_documents_never_lift_a_worse_status(rag, valid_for, suspended, status):
    """Red, expired, suspended and never visited stay what they are, documents or not."""
    valid_until = TODAY + timedelta(days=valid_for) if valid_for is not None else None
    lapsed = {"Public liability insurance": TODAY - timedelta(days=30)}
    assert qa_status(rag, valid_until, suspended, TODAY, lapsed)[0] == status


def test_the_status_names_every_document_out_of_date():
    """The reason names each lapsed mandatory document, the oldest first."""
    expiries = {
        "Public liability insurance": TODAY - timedelta(days=20),
        "Child protection policy": TODAY - timedelta(days=40),
        "Health and safety policy": TODAY + timedelta(days=5),
    }
    status, reason = qa_status("amber", TODAY + timedelta(days=60), False, TODAY, expiries)
    assert status == "documents_out_of_date"
    assert reason == "Out of date: Child protection policy, Public liability insurance"


@pytest.mark.parametrize("days_after_expiry", [-1, 0, 1, 13, 14, 15, 16])
def test_the_register_sql_agrees_with_python_each_day(assured, days_after_expiry):
    """The register's SQL status (filters, sorting) is the model's, day by day."""
    provider, staff, officer = assured
    today = date.today()
    _approve(provider, staff, officer, INSURANCE, today - timedelta(days=days_after_expiry))
    python = provider.qa_status(today)[0]
    sql = db.session.scalar(select(qa_status_sql(today)).where(Provider.id == provider.id))
    assert sql == python
    expected = (
        "quality_assured"
        if days_after_expiry <= 0
        else "documents_overdue"
        if days_after_expiry <= 14
        else "documents_out_of_date"
    )
    assert python == expected


# -- uploads and approval ------------------------------------------------------------------


def test_a_file_is_checked_by_its_bytes_not_its_name(assured):
    """A PNG named .pdf is kept as a PNG; text named .pdf, an empty file and one too large are refused."""
    provider, staff, _ = assured
    today, expiry = date.today(), date.today() + timedelta(days=300)
    document = upload_document(staff, provider, INSURANCE, PNG, "scan.pdf", today, expiry)
    assert document.content_type == "image/png" and document.filename == "scan.png"
    for data, message in (
        (b"just some text", "must be a PDF, JPG or PNG"),
        (b"", "Choose a file"),
        (PDF + b"\0" * (8 * 1024 * 1024), "smaller than 8 MB"),
    ):
        with pytest.raises(Invalid) as problem:
            upload_document(staff, provider, INSURANCE, data, "x.pdf", today, expiry)
        assert message in problem.value.fields["file"]


def test_dates_are_checked(assured):
    """Issued in the future, or expiring before it was issued, is refused with a message."""
    provider, staff, _ = assured
    today = date.today()
    with pytest.raises(Invalid) as problem:
        upload_document(
            staff, provider, INSURANCE, PDF, "a.pdf", today + timedelta(days=1), today + timedelta(days=9)
        )
    assert "today or in the past" in problem.value.fields["issue_date"]
    with pytest.raises(Invalid) as problem:
        upload_document(staff, provider, INSURANCE, PDF, "a.pdf", today, today - timedelta(days=1))
    assert "on or after the issue date" in problem.value.fields["expiry_date"]


def test_upload_approve_and_reject_through_the_pages(client, login, assured):
    """The provider uploads; the officer rejects with a reason, then approves a new version;
    both versions are kept and only the approved one counts."""
    provider, staff, officer = assured
    login(staff)
    form = {
        "file": (__import__("io").BytesIO(PDF), "insurance.pdf"),
        "issue_date": ["1", "4", "2026"],
        "expiry_date": ["31", "3", "2027"],
    }
    url = f"/providers/{provider.id}/documents/{INSURANCE}/new"
    assert client.post(url, data=form, content_type="multipart/form-data").status_code == 302
    first = db.session.scalar(select(ProviderDocument))
    client.post("/logout")
    login(officer)
    show = f"/providers/{provider.id}/documents/version/{first.id}"
    page = client.post(show, data={"decision": "reject", "reason": " ", "version": first.version})
    assert page.status_code == 400 and "Say why the document is rejected" in page.text
    assert (
        client.post(show, data={"decision": "reject", "reason": "Wrong year", "version": 1}).status_code
        == 302
    )
    db.session.expire_all()
    assert first.status == "rejected" and provider.document_expiries == {}
    client.post("/logout")
    login(staff)
    form["file"] = (__import__("io").BytesIO(PDF), "insurance-2.pdf")
    assert client.post(url, data=form, content_type="multipart/form-data").status_code == 302
    second = db.session.scalars(select(ProviderDocument).order_by(ProviderDocument.id.desc())).first()
    client.post("/logout")
    login(officer)
    show = f"/providers/{provider.id}/documents/version/{second.id}"
    assert client.post(show, data={"decision": "approve", "version": second.version}).status_code == 302
    db.session.expire_all()
    assert provider.document_expiries == {"Employer's liability insurance": "2027-03-31"}
    assert provider.documents_valid_until == date(2027, 3, 31)
    row = next(r for r in documents_of_provider(provider) if r.code == INSURANCE)
    assert row.held.id == second.id and [v.id for v in row.versions] == [second.id, first.id]
    page = client.get(f"/providers/{provider.id}/documents").text
    assert "Wrong year" in page and "Approved" in page
    download = client.get(f"/providers/{provider.id}/documents/version/{second.id}/file")
    assert download.data == PDF and download.headers["Content-Type"] == "application/pdf"


def test_a_stale_review_is_refused(client, login, assured):
    """A review of a version read before another change is refused, never applied."""
    provider, staff, officer = assured
    document = upload_document(
        staff, provider, INSURANCE, PDF, "a.pdf", date.today(), date.today() + timedelta(days=90)
    )
    db.session.commit()
    login(officer)
    url = f"/providers/{provider.id}/documents/version/{document.id}"
    page = client.post(url, data={"decision": "approve", "version": 7}, follow_redirects=True)
    assert "changed after you opened it" in page.text
    db.session.expire_all()
    assert document.status == "pending"


# -- everywhere the QA status shows ----------------------------------------------------------


def test_register_provider_page_public_register_bundle_and_placing(client, login, signed_in, assured):
    """A document 20 days out of date: not quality assured on the register, the provider page,
    the public register and the bundle, and placing asks the school's reason."""
    provider, staff, officer = assured
    _approve(provider, staff, officer, "public_liability", date.today() - timedelta(days=20))
    label = QA_STATUSES["documents_out_of_date"]
    assert label in client.get("/register").text
    login(officer)
    assert label in client.get("/providers").text
    page = client.get(f"/providers/{provider.id}").text
    assert label in page and "Public liability insurance" in page
    listed = client.get("/providers?qa_status=documents_out_of_date").text
    assert provider.name in listed
    bundle = client.get("/api/offline-bundle").json
    entry = next(p for p in bundle["providers"] if p["id"] == provider.id)
    assert (
        entry["qa_status"] == "documents_out_of_date" and "Public liability insurance" in entry["qa_reason"]
    )
    check = placing_check(provider, date.today())
    assert check["status"] == "documents_out_of_date" and "Public liability insurance" in check["reason"]


def test_within_the_grace_schools_place_without_a_reason(assured):
    """Quality assured — documents overdue: still quality assured for placing."""
    provider, staff, officer = assured
    provider.registration_status = "ofsted_registered"
    provider.urn = "EY123456"
    _approve(provider, staff, officer, "public_liability", date.today() - timedelta(days=3))
    assert provider.qa_status()[0] == "documents_overdue"
    assert placing_check(provider, date.today()) is None


def test_a_renewal_approved_restores_the_status(assured):
    """The latest approved version counts: a renewal brings the provider back."""
    provider, staff, officer = assured
    _approve(provider, staff, officer, INSURANCE, date.today() - timedelta(days=30))
    assert provider.qa_status()[0] == "documents_out_of_date"
    _approve(provider, staff, officer, INSURANCE, date.today() + timedelta(days=335))
    assert provider.qa_status()[0] == "quality_assured"


def test_a_document_the_new_framework_no_longer_requires_stops_counting(app, assured):
    """The list is the framework's: a document dropped from it no longer counts."""
    provider, staff, officer = assured
    _approve(provider, staff, officer, INSURANCE, date.today() - timedelta(days=30))
    version = db.session.scalar(select(__import__("qa_app").framework.models.FrameworkVersion))
    rules = dict(version.rules)
    rules["documents"] = [d for d in rules["documents"] if d["code"] != INSURANCE]
    db.session.execute(
        __import__("sqlalchemy")
        .update(type(version))
        .where(type(version).id == version.id)
        .values(rules=rules)
    )
    db.session.expire_all()
    refresh_documents(provider)
    assert provider.qa_status()[0] == "quality_assured"


# -- reminders -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "days_left, stage", [(43, None), (42, 42), (20, 42), (14, 14), (1, 14), (0, 0), (-3, 0)]
)
def test_the_reminder_due(days_left, stage):
    assert stage_for(days_left) == stage


def test_reminders_are_sent_once_each_with_the_mail_server_down_between(runner, mailbox, assured, make_user):
    """42 days, 14 days and the day: each queued once however often the command runs, to the
    provider's staff and its officer, and delivered once when the mail server is back."""
    provider, staff, officer = assured
    second = make_user("provider", provider=provider)
    expiry = date.today() + timedelta(days=60)
    document = _approve(provider, staff, officer, INSURANCE, expiry)
    assert send_document_reminders(expiry - timedelta(days=43)) == 0

    assert send_document_reminders(expiry - timedelta(days=42)) == 1
    assert send_document_reminders(expiry - timedelta(days=42)) == 0
    assert send_document_reminders(expiry - timedelta(days=30)) == 0
    db.session.commit()
    assert deliver_due() == (1, 0)

    mailbox.stop()
    assert send_document_reminders(expiry - timedelta(days=14)) == 1
    db.session.commit()
    assert deliver_due() == (0, 1)
    assert send_document_reminders(expiry - timedelta(days=13)) == 0
    assert send_document_reminders(expiry) == 1
    assert send_document_reminders(expiry) == 0
    db.session.commit()
    result = runner.invoke(args=["send-provider-reminders"])
    assert result.exit_code == 0 and "Document reminders: 0." in result.output

    mailbox.start()
    assert deliver_due(utcnow() + timedelta(minutes=5)) == (2, 0)
    assert deliver_due(utcnow() + timedelta(days=1)) == (0, 0)
    # Three reminders, each sent to its three recipients one at a time.
    by_subject = {}
    for message in mailbox:
        by_subject.setdefault(message["Subject"], []).append(message["To"])
    subjects = list(by_subject)
    assert len(subjects) == 3 and "expires in 42 days" in subjects[0]
    assert sorted(s.split(": ")[0].split(" expires ")[1] for s in subjects[1:]) == ["in 14 days", "today"]
    assert all(provider.name in s and "Employer's liability insurance" in s for s in subjects)
    for sent_to in by_subject.values():
        assert sorted(sent_to) == sorted([staff.email, second.email, officer.email])
    stages = db.session.scalars(
        select(DocumentReminder.days_before).where(DocumentReminder.document_id == document.id)
    )
    assert sorted(stages) == [0, 14, 42]
    assert db.session.query(OutboxEmail).count() == 3


def test_a_renewed_document_is_not_reminded(assured):
    """Once a later version is approved, the old one's expiry sends nothing."""
    provider, staff, officer = assured
    old_expiry = date.today() + timedelta(days=14)
    _approve(provider, staff, officer, INSURANCE, old_expiry)
    _approve(provider, staff, officer, INSURANCE, old_expiry + timedelta(days=365))
    assert send_document_reminders(old_expiry - timedelta(days=14)) == 0


def test_an_administrator_changes_the_list_in_a_draft_version(client, signed_in, app):
    """The list is versioned data: changed in a draft (codes kept for unchanged names), never
    in a published version."""
    from qa_app.framework.services import copy_version, current_version

    signed_in("admin")
    published = current_version()
    draft = copy_version(published, "2026-2027", "Framework 2026-2027")
    db.session.commit()
    names = [d["name"] for d in published.rules["documents"]]
    mandatory = "\n".join([*names[:-1], "Minibus insurance"])
    url = f"/admin/frameworks/{draft.id}/documents"
    response = client.post(
        url, data={"mandatory": mandatory, "other": names[-1], "version": version_on_page(client, url)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    documents = draft.rules["documents"]
    assert [d["code"] for d in documents][:6] == [d["code"] for d in published.rules["documents"]][:6]
    assert documents[6] == {"code": "minibus_insurance", "name": "Minibus insurance", "mandatory": True}
    assert documents[7]["code"] == "health_and_safety_policy" and documents[7]["mandatory"] is False
    twice = client.post(url, data={"mandatory": "A\na", "other": "", "version": version_on_page(client, url)})
    assert twice.status_code == 400 and "listed twice" in twice.text
    client.post(f"/admin/frameworks/{published.id}/documents", data={"mandatory": "Only one", "other": ""})
    db.session.expire_all()
    assert len(published.rules["documents"]) == 7
