"""Self-assessments: asked for from the programme, answered by the provider's staff (saved,
resumed, sent with every criterion answered), shown on the visit form and in the bundle, an
overdue one on the programme, and criterion LM3 pre-filled with whether it came in on time."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from qa_app.extensions import db
from qa_app.framework.services import current_version
from qa_app.notifications.models import OutboxEmail
from qa_app.selfassessment.models import SelfAssessment, SelfAssessmentFile
from qa_app.selfassessment.services import request_self_assessment, save_answers

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def provider_with_officer(make_provider, make_user):
    officer = make_user("officer")
    provider = make_provider()
    provider.officer = officer
    db.session.commit()
    return provider, officer


def all_answers(version, rating="met"):
    return {c.code: (rating, "Our evidence") for c in version.active_criteria()}


def test_the_programme_offers_a_request_and_the_officer_asks(client, login, provider_with_officer, make_user):
    provider, officer = provider_with_officer
    staff = make_user("provider", provider=provider)
    login(officer)
    programme = client.get("/programme").data.decode()
    assert f"/providers/{provider.id}/self-assessment/request" in programme  # never visited: due now
    past = client.post(
        f"/providers/{provider.id}/self-assessment/request",
        data={"deadline": (date.today() - timedelta(days=1)).strftime("%d %m %Y").split()},
    )
    assert past.status_code == 400 and b"today or later" in past.data
    deadline = date.today() + timedelta(days=10)
    done = client.post(
        f"/providers/{provider.id}/self-assessment/request",
        data={"deadline": deadline.strftime("%d %m %Y").split()},
    )
    assert done.status_code == 302
    asked = db.session.scalar(select(SelfAssessment))
    assert asked.deadline == deadline and asked.framework_version_id == current_version().id
    [email] = db.session.scalars(select(OutboxEmail)).all()
    assert email.recipients == staff.email
    assert b"Self-assessment asked for by" in client.get("/programme").data


def test_a_self_assessment_not_in_by_its_deadline_shows_on_the_programme(
    app, client, login, provider_with_officer
):
    provider, officer = provider_with_officer
    asked = request_self_assessment(officer, provider, date.today())
    db.session.commit()
    login(officer)
    assert b"data-self-assessment-overdue" not in client.get("/programme").data
    asked.deadline = date.today() - timedelta(days=1)
    db.session.commit()
    assert b"Self-assessment overdue" in client.get("/programme").data


def test_the_provider_saves_comes_back_and_sends(client, login, provider_with_officer, make_user):
    provider, officer = provider_with_officer
    asked = request_self_assessment(officer, provider, date.today() + timedelta(days=7))
    db.session.commit()
    staff = make_user("provider", provider=provider)
    login(staff)
    url = f"/provider/self-assessments/{asked.id}"
    page = client.get(f"{url}/themes/SG").data.decode()
    assert "National standard: Safeguarding and welfare" in page
    saved = client.post(
        f"{url}/themes/SG",
        data={
            "version": asked.version,
            "rating_SG1": "met",
            "evidence_SG1": "DBS for all 6 staff, renewed in 2026",
            "rating_SG2": "partly_met",
            "evidence_SG2": "",
            "file_SG1": (__import__("io").BytesIO(PDF), "scr.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    # Back later: the answers are there.
    again = client.get(f"{url}/themes/SG").data.decode()
    assert "DBS for all 6 staff, renewed in 2026" in again and "scr.pdf" in again
    assert "2 of 9 answered" in client.get(url).data.decode()
    # A file that is not what its name says is refused, and the answers typed with it too.
    db.session.expire_all()
    fake = client.post(
        f"{url}/themes/SG",
        data={
            "version": asked.version,
            "rating_SG3": "met",
            "file_SG3": (__import__("io").BytesIO(b"MZ\x90\x00"), "policy.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert fake.status_code == 400 and b"must be a PDF, PNG or JPEG" in fake.data
    db.session.expire_all()
    assert {a.criterion_code for a in asked.answers} == {"SG1", "SG2"}
    assert len(db.session.scalars(select(SelfAssessmentFile)).all()) == 1
    # Sending needs every criterion, with evidence for anything but met.
    refused = client.post(url, data={"version": asked.version})
    assert refused.status_code == 400 and b"Describe your evidence for SG2" in refused.data
    db.session.expire_all()
    assert asked.status == "requested"
    save_answers(staff, asked, all_answers(asked.framework_version), asked.version)
    db.session.commit()
    sent = client.post(url, data={"version": asked.version})
    assert sent.status_code == 302
    db.session.expire_all()
    assert asked.status == "submitted" and asked.submitted_on_time()
    late_change = client.post(f"{url}/themes/SG", data={"version": asked.version, "rating_SG1": "not_met"})
    assert late_change.status_code == 302
    db.session.expire_all()
    assert asked.answers[0].rating == "met"


def test_a_stale_save_is_refused(app, provider_with_officer, make_user):
    from qa_app.domain import Conflict

    provider, officer = provider_with_officer
    asked = request_self_assessment(officer, provider, date.today() + timedelta(days=7))
    staff = make_user("provider", provider=provider)
    opened = asked.version
    save_answers(staff, asked, {"QE1": ("met", "")}, opened)
    db.session.commit()
    with pytest.raises(Conflict):
        save_answers(staff, asked, {"QE1": ("not_met", "late")}, opened)


def test_another_providers_staff_cannot_answer(client, login, provider_with_officer, make_user):
    provider, officer = provider_with_officer
    asked = request_self_assessment(officer, provider, date.today() + timedelta(days=7))
    db.session.commit()
    login(make_user("provider"))
    assert client.get(f"/provider/self-assessments/{asked.id}").status_code == 404
    posted = client.post(
        f"/provider/self-assessments/{asked.id}/themes/QE",
        data={"version": asked.version, "rating_QE1": "met"},
    )
    assert posted.status_code == 404


def _send(asked, staff, when):
    save_answers(staff, asked, all_answers(asked.framework_version, "partly_met"), asked.version, send=True)
    asked.submitted_at = when
    db.session.commit()


@pytest.mark.parametrize(
    "sent_days_after_deadline, rating, words",
    [
        (0, "met", "sent on time"),
        (2, "partly_met", "sent late"),
        (None, "not_met", "not sent by the deadline"),
    ],
)
def test_lm3_is_prefilled_with_whether_it_came_in_on_time(
    client, login, provider_with_officer, make_user, make_visit, sent_days_after_deadline, rating, words
):
    from datetime import datetime, time

    provider, officer = provider_with_officer
    asked = request_self_assessment(officer, provider, date.today())
    db.session.commit()
    asked.requested_at = datetime.combine(date.today() - timedelta(days=20), time(9))
    asked.deadline = date.today() - timedelta(days=5)
    db.session.commit()
    if sent_days_after_deadline is not None:
        day = asked.deadline + timedelta(days=sent_days_after_deadline)
        _send(asked, make_user("provider", provider=provider), datetime.combine(day, time(16)))
    visit = make_visit(provider, status="draft", officer=officer, days_ago=0, ratings={})
    login(officer)
    page = client.get(f"/visits/{visit.uuid}/themes/LM").data.decode()
    assert words in page
    assert f'value="{rating}" checked' in page.split('id="criterion-LM3"')[1].split("app-criterion")[
        0
    ].replace("checked ", "checked ")
    if sent_days_after_deadline is not None:
        assert 'data-self-assessment="LM1"' in page and "Our evidence" in page


def test_the_bundle_carries_the_self_assessment(client, login, provider_with_officer, make_user):
    provider, officer = provider_with_officer
    asked = request_self_assessment(officer, provider, date.today() + timedelta(days=3))
    db.session.commit()
    staff = make_user("provider", provider=provider)
    save_answers(staff, asked, all_answers(asked.framework_version), asked.version, send=True)
    db.session.commit()
    login(officer)
    bundle = client.get("/api/offline-bundle").get_json()
    [entry] = [p for p in bundle["providers"] if p["id"] == provider.id]
    own = entry["self_assessment"]
    assert own["status"] == "submitted" and own["on_time"] is True
    assert own["answers"]["SG1"] == {
        "rating": "met",
        "evidence": "Our evidence",
        "files": [],
        "documents": [],
        "text": "The provider's self-assessment: Met. Our evidence",
    }
    assert own["lm_prefill"]["criterion"] == "LM3" and own["lm_prefill"]["rating"] == "met"
    criteria = {c["code"]: c for t in bundle["framework"]["themes"] for c in t["criteria"]}
    assert criteria["SG1"]["standard_area"] == "safeguarding_welfare"
    assert criteria["QE1"]["standard_area"] == "quality_of_education"


def test_the_bundles_self_assessments_take_the_same_queries_for_more_providers(
    client, login, make_user, make_provider, count_queries
):
    officer = make_user("officer")

    def bundle_queries():
        client.get("/api/offline-bundle")  # the first since the server started reads the frameworks
        with count_queries() as queries:
            assert client.get("/api/offline-bundle").status_code == 200
        return len(queries)

    login(officer)
    for _ in range(2):
        p = make_provider()
        p.officer = officer
        db.session.commit()
        request_self_assessment(officer, p, date.today() + timedelta(days=3))
        db.session.commit()
    first = bundle_queries()
    for _ in range(3):
        p = make_provider()
        p.officer = officer
        db.session.commit()
        request_self_assessment(officer, p, date.today() + timedelta(days=3))
        db.session.commit()
    assert bundle_queries() == first


def test_every_default_criterion_names_its_national_standard_area(app):
    version = current_version()
    areas = {c.standard_area for c in version.criteria}
    assert None not in areas
    assert areas == {
        "safeguarding_welfare",
        "health_safety",
        "admissions_support_guidance",
        "quality_of_education",
    }


def test_two_requests_at_the_same_moment_make_one(app, provider_with_officer, monkeypatch):
    """The officer's request sent twice at once (a double click, two tabs): both pass the
    check of who may ask before either saves (a barrier holds them there), and still only one
    self-assessment is asked for; the other is refused."""
    import threading

    from qa_app.auth.models import User
    from qa_app.domain import Invalid
    from qa_app.providers.models import Provider
    from qa_app.selfassessment import services

    provider, officer = provider_with_officer
    provider_id, officer_id = provider.id, officer.id
    both_checked = threading.Barrier(2, timeout=30)
    real_may_request = services.may_request

    def racing_may_request(*args, **kwargs):
        allowed = real_may_request(*args, **kwargs)
        both_checked.wait()
        return allowed

    monkeypatch.setattr(services, "may_request", racing_may_request)
    outcomes = []

    def ask():
        with app.app_context():
            try:
                user, place = db.session.get(User, officer_id), db.session.get(Provider, provider_id)
                services.request_self_assessment(user, place, date.today() + timedelta(days=7))
                db.session.commit()
                outcomes.append("asked")
            except Invalid:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["asked", "refused"], outcomes
    db.session.expire_all()
    asked = db.session.scalars(select(SelfAssessment).where(SelfAssessment.provider_id == provider_id)).all()
    assert len(asked) == 1


def test_two_saves_at_the_same_moment_keep_one_and_refuse_the_other(
    app, provider_with_officer, make_user, monkeypatch
):
    """Two tabs save the same self-assessment at once, from the same version: both pass the
    check of who may answer before either saves (a barrier holds them there); one is kept,
    the other is refused as changed since it was opened (never an error page)."""
    import threading

    from qa_app.auth.models import User
    from qa_app.domain import Conflict
    from qa_app.selfassessment import services

    provider, officer = provider_with_officer
    asked = request_self_assessment(officer, provider, date.today() + timedelta(days=7))
    staff = make_user("provider", provider=provider)
    db.session.commit()
    asked_id, staff_id, version = asked.id, staff.id, asked.version
    answers = all_answers(asked.framework_version)
    both_checked = threading.Barrier(2, timeout=30)
    real_staff_of = services.provider_staff_of

    def racing_staff_of(*args):
        allowed = real_staff_of(*args)
        both_checked.wait()
        return allowed

    monkeypatch.setattr(services, "provider_staff_of", racing_staff_of)
    outcomes = []

    def save():
        with app.app_context():
            try:
                user, found = db.session.get(User, staff_id), db.session.get(SelfAssessment, asked_id)
                save_answers(user, found, answers, version)
                db.session.commit()
                outcomes.append("saved")
            except Conflict:
                db.session.rollback()
                outcomes.append("refused")
            except Exception as error:  # what the page would answer with a 500
                db.session.rollback()
                outcomes.append(type(error).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused", "saved"], outcomes


def test_the_documents_given_are_downloaded_by_the_officer_and_the_provider_only(
    client, login, provider_with_officer, make_user, make_provider, make_visit
):
    """The officer reviewing the provider and its own staff download a document given with
    a self-assessment, with its bytes; anyone else gets nothing of it."""
    from qa_app.selfassessment.services import add_file

    provider, officer = provider_with_officer
    asked = request_self_assessment(officer, provider, date.today() + timedelta(days=14))
    staff = make_user("provider", provider=provider)
    document = add_file(staff, asked, "SG1", "scr.pdf", PDF)
    _send(asked, staff, datetime.now())
    url = f"/providers/{provider.id}/self-assessment-files/{document.id}"
    for reader in (officer, staff):
        login(reader)
        response = client.get(url)
        assert response.status_code == 200 and response.data == PDF, reader.role
        assert response.headers["Content-Type"] == "application/pdf"
        client.post("/logout")
    login(officer)
    visit = make_visit(provider, status="draft", officer=officer, days_ago=0, ratings={})
    page = client.get(f"/visits/{visit.uuid}/themes/SG").data.decode()
    assert url in page
    client.post("/logout")
    for stranger in (make_user("officer"), make_user("provider", provider=make_provider())):
        login(stranger)
        assert client.get(url).status_code == 404, stranger.role
        client.post("/logout")
    login(make_user("school"))
    assert client.get(url).status_code == 403
