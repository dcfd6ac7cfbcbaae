"""Unregistered provision: the registration check on visits, automatic and reported
escalations, the Head of Access's workflow, suspension, who sees what, and emails."""

import re
import uuid
from datetime import date, datetime, time, timedelta

import pytest

from qa_app.dates import add_working_days
from qa_app.escalations.models import Escalation, EscalationEvent
from qa_app.extensions import db
from qa_app.forms import content_version
from qa_app.notifications.outbox import deliver_due
from qa_app.providers.models import Provider
from qa_app.registration.routes import VERSIONED
from tests.factories import version_on_page
from tests.test_api import full_visit, put


def _version(client, rules):
    """The version the rules form on the rules page carries."""
    return {"version": version_on_page(client, f"/admin/registration-rules/{rules.id}")}


def evidence(count, hours, **status):
    """Registration evidence for `count` pupils at `hours` a week."""
    pupils = [{"ref": f"P{n}", "hours_per_week": hours, **status} for n in range(1, count + 1)]
    return {"pupil_count": count, "pupils": pupils, "sites": ["Unit 4, Mill Lane"]}


@pytest.fixture
def officer(make_user):
    """The provider's officer (not signed in: see signed_in)."""
    return make_user("officer")


@pytest.fixture
def provider(make_provider, officer):
    return make_provider(name="Back Room Academy", registration_status="not_known", officer_id=officer.id)


def escalations():
    return db.session.scalars(db.select(Escalation)).all()


def test_registration_test_in_the_visit_json(client, signed_in, officer, provider):
    """The API stores the evidence and returns the test's result, limb and rule version."""
    signed_in(officer)
    visit_uuid = str(uuid.uuid4())
    response = put(client, visit_uuid, full_visit(provider.id, registration_evidence=evidence(5, 19)))
    assert response.status_code == 201, response.get_json()
    test = response.get_json()["registration_test"]
    assert (test["result"], test["limb"], test["rule_version"]) == (
        "likely_must_register",
        "five_or_more_full_time",
        "2026" if date.today() >= date(2026, 6, 1) else "2008",
    )
    assert test["escalation_id"] is None  # a draft is not escalated yet
    assert (
        client.get(f"/api/visits/{visit_uuid}").get_json()["registration_evidence"]["pupils"][0]["ref"]
        == "P1"
    )


def test_submitting_escalates_once(client, signed_in, officer, provider):
    """A likely result escalates on submission, once: a replay or resubmission adds none."""
    signed_in(officer)
    visit_uuid, key = str(uuid.uuid4()), str(uuid.uuid4())
    body = full_visit(provider.id, status="submitted", registration_evidence=evidence(1, 25, ehc_plan=True))
    first = put(client, visit_uuid, body, key=key)
    assert first.status_code == 201
    assert put(client, visit_uuid, body, key=key).get_json() == first.get_json()
    [escalation] = escalations()
    assert first.get_json()["registration_test"]["escalation_id"] == escalation.id
    assert escalation.source == "registration_test" and escalation.provider_id == provider.id
    client.post("/logout")
    signed_in("head_of_access")
    client.post(f"/visits/{visit_uuid}/return", data={"comment": "Check hours"})
    client.post("/logout")
    signed_in(officer)
    version = client.get(f"/api/visits/{visit_uuid}").get_json()["version"]
    assert put(client, visit_uuid, body, version=version).status_code == 200
    assert len(escalations()) == 1


def test_registered_independent_school_is_not_escalated(client, signed_in, officer, make_provider):
    """A provider known to be a registered independent school is not escalated."""
    signed_in(officer)
    school = make_provider(registration_status="registered_independent", urn="123456")
    put(
        client,
        str(uuid.uuid4()),
        full_visit(school.id, status="submitted", registration_evidence=evidence(8, 30)),
    )
    assert escalations() == []


def test_not_indicated_is_not_escalated(client, signed_in, officer, provider):
    """Four full-time pupils do not meet the test, so nothing is escalated."""
    signed_in(officer)
    response = put(
        client,
        str(uuid.uuid4()),
        full_visit(provider.id, status="submitted", registration_evidence=evidence(4, 30)),
    )
    assert response.get_json()["registration_test"]["result"] == "not_indicated"
    assert escalations() == []


@pytest.mark.parametrize(
    "evidence_body, field",
    [
        (evidence(1, 61), "registration_evidence.pupils[0].hours_per_week"),
        (evidence(1, -2), "registration_evidence.pupils[0].hours_per_week"),
        (
            {"pupils": [{"ref": "P1", "hours_per_week": 20, "weeks_per_year": 53}]},
            "registration_evidence.pupils[0].weeks_per_year",
        ),
        ({**evidence(3, 20), "pupil_count": 5}, "registration_evidence.pupil_count"),
        ({"pupils": [{"hours_per_week": 20}]}, "registration_evidence.pupils[0].ref"),
        (
            {"pupils": [{"ref": "P1", "hours_per_week": 20, "ehc_plan": "yes"}]},
            "registration_evidence.pupils[0].ehc_plan",
        ),
        (
            {"pupils": [{"ref": "P1", "hours_per_week": 20, "name": "Sam"}]},
            "registration_evidence.pupils[0].name",
        ),
    ],
)
def test_bad_registration_evidence_is_refused(client, signed_in, officer, provider, evidence_body, field):
    """Absurd hours or weeks, a count that disagrees, or unknown fields: 400 and nothing saved."""
    signed_in(officer)
    response = put(client, str(uuid.uuid4()), full_visit(provider.id, registration_evidence=evidence_body))
    assert response.status_code == 400 and field in response.get_json()["fields"]


def test_registration_check_page(client, signed_in, officer, provider):
    """The visit's registration check page saves the pupils and shows the result."""
    signed_in(officer)
    start = client.post(
        f"/providers/{provider.id}/visits/new",
        data={"visit_date": ["2", "11", "2026"], "visit_type": "scheduled"},
    )
    visit_uuid = start.headers["Location"].rsplit("/", 1)[1]
    version = client.get(f"/api/visits/{visit_uuid}").get_json()["version"]
    rows = {"rows": "5", "version": version, "pupil_count": "5", "sites": "Unit 4\nChurch hall"}
    for n in range(5):
        rows.update(
            {
                f"ref-{n}": f"P{n + 1}",
                f"hours-{n}": "19",
                f"weeks-{n}": "38",
                f"daytime-{n}": "y",
                f"main_education-{n}": "y",
            }
        )
    response = client.post(f"/visits/{visit_uuid}/registration", data=rows, follow_redirects=True)
    assert b"Likely must register" in response.data and b"P1, P2, P3, P4, P5" in response.data
    # As the page shows it after that save: at the visit's new version.
    rows["version"] = client.get(f"/api/visits/{visit_uuid}").get_json()["version"]
    rows["hours-0"] = "75"
    response = client.post(f"/visits/{visit_uuid}/registration", data=rows)
    assert response.status_code == 400 and b"must be between 0 and 60" in response.data


def test_school_reports_a_concern_and_sees_only_that_it_was_received(client, signed_in):
    """Anyone signed in can report premises; a school user sees only the receipt."""
    signed_in("school")
    response = client.post(
        "/escalations/report",
        data={
            "address": "Rear of 12 Station Road",
            "description": "Children arrive at 9 and leave at 3",
            "how_known": "A parent told us",
            "estimated_pupils": "8",
            "estimated_hours": "25",
        },
        follow_redirects=True,
    )
    assert b"Concern received" in response.data and b"ESC-00001" in response.data
    assert b"Children arrive" not in response.data
    assert client.get("/escalations").status_code == 403
    assert client.get(f"/escalations/{escalations()[0].id}").status_code == 403


def test_a_report_needs_an_address(client, signed_in, officer):
    """A report with no address is an error and nothing is saved."""
    signed_in(officer)
    response = client.post("/escalations/report", data={"description": "Something", "how_known": "Saw it"})
    assert response.status_code == 400 and b"Enter the address of the premises" in response.data
    assert escalations() == []


@pytest.fixture
def escalation(make_escalation, officer, provider):
    """A concern about the provider reported by its officer, not yet reviewed."""
    return make_escalation(
        provider, reporter=officer, address="12 Mill Lane", description="Seen", how_known="Visit"
    )


def step(client, escalation, to_state, **fields):
    return client.post(f"/escalations/{escalation.id}/transition", data={"to_state": to_state, **fields})


def test_the_whole_workflow(client, signed_in, escalation):
    """raised → under review → referred → reported to Ofsted → closed, each with a reason."""
    signed_in("head_of_access")
    assert step(client, escalation, "under_review").status_code == 400  # no reason
    assert step(client, escalation, "closed", reason="x").status_code == 400  # not allowed from raised
    assert step(client, escalation, "under_review", reason="Reviewing the evidence").status_code == 302
    assert step(client, escalation, "referred_to_director", reason="Not known to us").status_code == 302
    response = step(client, escalation, "reported_to_ofsted", reason="Director agreed")
    assert response.status_code == 400 and b"Enter the date it was reported to Ofsted" in response.data
    today = date.today()
    ok = step(
        client,
        escalation,
        "reported_to_ofsted",
        reason="Director agreed",
        ofsted_date=[str(today.day), str(today.month), str(today.year)],
        ofsted_reference="OFS-123",
    )
    assert ok.status_code == 302
    assert step(client, escalation, "closed", reason="Done").status_code == 400  # no outcome
    assert (
        step(
            client, escalation, "closed", reason="Done", outcome="Ofsted inspected; setting closed"
        ).status_code
        == 302
    )
    closed = db.session.get(Escalation, escalation.id)
    assert closed.state == "closed" and closed.ofsted_reference == "OFS-123"
    events = db.session.scalars(
        db.select(EscalationEvent).where(EscalationEvent.action == "transition")
    ).all()
    assert [e.to_state for e in events] == [
        "under_review",
        "referred_to_director",
        "reported_to_ofsted",
        "closed",
    ]
    assert all(e.reason for e in events)
    page = client.get(f"/escalations/{escalation.id}").data.decode()
    assert "Reason: Reviewing the evidence" in page and "Viewed" in page


def test_monitoring_needs_a_future_review_date(client, signed_in, escalation):
    """Monitoring is refused without a review date in the future."""
    signed_in("head_of_access")
    step(client, escalation, "under_review", reason="Looking")
    assert step(client, escalation, "monitoring", reason="Watch").status_code == 400
    later = date.today() + timedelta(days=30)
    assert (
        step(
            client,
            escalation,
            "monitoring",
            reason="Watch",
            review_date=[str(later.day), str(later.month), str(later.year)],
        ).status_code
        == 302
    )
    assert db.session.get(Escalation, escalation.id).review_date == later


def test_every_view_is_recorded(client, signed_in, escalation):
    """Opening an escalation adds a 'view' line to the read log, once a view, which its page
    shows in its history."""
    from qa_app.audit.models import ReadEvent

    head = signed_in("head_of_access")
    client.get(f"/escalations/{escalation.id}")
    page = client.get(f"/escalations/{escalation.id}").get_data(as_text=True)
    views = db.session.scalars(db.select(ReadEvent).where(ReadEvent.object_kind == "escalation")).all()
    assert [(v.user_id, v.action, v.object_id) for v in views] == [(head.id, "view", str(escalation.id))] * 2
    assert "Viewed 2 times" in page
    assert not db.session.scalars(db.select(EscalationEvent).where(EscalationEvent.action == "view")).all()


def test_suspension_is_internal(client, signed_in, escalation, provider):
    """Suspending shows 'Suspended' to schools and the public, never the reason or the escalation."""
    signed_in("head_of_access")
    client.post(
        f"/escalations/{escalation.id}/suspension",
        data={"action": "suspend", "suspension-reason": "Possible unregistered school"},
    )
    assert db.session.get(Provider, provider.id).qa_status()[0] == "suspended"
    client.post("/logout")
    signed_in("school")
    for page in (client.get(f"/providers/{provider.id}"), client.get("/providers"), client.get("/register")):
        html = page.data.decode()
        assert "Back Room Academy" in html
        for secret in (
            "Possible unregistered school",
            "ESC-",
            ">Escalations<",
            "Registration check",
            "12 Mill Lane",
        ):
            assert secret not in html


def test_officers_see_their_own_and_their_providers_only(client, signed_in, escalation, officer):
    """Another officer gets a 404; the provider's officer sees it in their list."""
    signed_in("head_of_access")
    client.post("/logout")
    signed_in("officer")
    assert client.get(f"/escalations/{escalation.id}").status_code == 404
    assert "ESC-" not in client.get("/escalations").data.decode()
    client.post("/logout")
    signed_in(officer)
    assert escalation.reference in client.get("/escalations").data.decode()


def test_review_due_counts_working_days():
    """Five working days skip weekends and England and Wales bank holidays (Christmas 2026)."""
    assert add_working_days(date(2026, 11, 20), 5) == date(2026, 11, 27)
    assert add_working_days(date(2026, 12, 18), 5) == date(2026, 12, 29)


def reported(address, reporter_id, days_to_review=5, **fields):
    """An escalation from a reported concern at `address`, added to the session."""
    escalation = Escalation(
        source="report",
        address=address,
        description="x",
        reported_by_id=reporter_id,
        review_due=date.today() + timedelta(days=days_to_review),
        **fields,
    )
    db.session.add(escalation)
    return escalation


def test_queue_shows_overdue_first(client, signed_in, escalation, provider):
    """An escalation past its review date is flagged overdue and listed first."""
    signed_in("head_of_access")
    newer = reported("Elsewhere", escalation.reported_by_id)
    late = db.session.get(Escalation, escalation.id)
    late.review_due = date.today() - timedelta(days=1)
    db.session.commit()
    page = client.get("/escalations").data.decode()
    assert "Overdue" in page and page.index(late.reference) < page.index(newer.reference)


def test_dashboard_counts(client, signed_in, escalation):
    """The dashboard shows open escalations by state and the register's RAG, with numbers."""
    signed_in("head_of_access")
    page = client.get("/dashboard").data.decode()
    assert "Open escalations by state" in page and "The register by overall RAG" in page
    assert "Raised" in page and "<svg" in page


def test_the_list_shows_each_escalations_reference_place_state_age_source_and_result(
    client, signed_in, officer, escalation
):
    """A row of the queue: the reference, the provider (or the address reported), the state
    with Overdue when its review is late, its age in days, what raised it and the test's result."""
    late = db.session.get(Escalation, escalation.id)
    late.review_due = date.today() - timedelta(days=1)
    late.created_at = datetime.now() - timedelta(days=9)
    late.test_result = {"result": "likely_must_register", "limb": "five_or_more_full_time"}
    yesterday = reported("1 Front Row", officer.id, 4, created_at=datetime.now() - timedelta(days=1))
    today = reported("3 Back Lane", officer.id)
    db.session.commit()
    signed_in("head_of_access")
    page = client.get("/escalations").data.decode()
    rows = {
        words[0]: " ".join(words[1:])
        for words in (
            re.sub(r"<[^>]+>", " ", row).split()
            for row in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', page, re.S)
        )
        if words and words[0].startswith("ESC-")
    }
    assert rows == {
        late.reference: "Back Room Academy Raised Overdue 9 days Report of a concern Likely must register",
        today.reference: "3 Back Lane Raised 0 days Report of a concern —",
        yesterday.reference: "1 Front Row Raised 1 day Report of a concern —",
    }


def dashboard_bars(page, title):
    """{label: count} of one of the dashboard's bar charts."""
    table = page[page.index(f'aria-label="{title}"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<th scope="row"[^>]*>([^<]+)</th>.*?--numeric">(\d+)</td>', table, re.S)
    return {label: int(count) for label, count in rows}


def test_dashboard_counts_escalations_by_age_at_the_edges_of_each_band(
    client, signed_in, escalation, make_provider
):
    """An escalation's age is whole days from the date it was raised: 6 days is under a week,
    7 is one to four weeks, 27 and 28 fall either side, 91 is over three months. A closed one is
    not counted; an overdue one and a suspended provider are."""
    signed_in("head_of_access")
    now = datetime.now()
    for days in (0, 6, 7, 27, 28, 90, 91, 400):
        raised_on = now.date() - timedelta(days=days)
        reported(
            f"{days} days", escalation.reported_by_id, created_at=datetime.combine(raised_on, time(23, 59))
        )
    reported("Closed", escalation.reported_by_id, 0, state="closed", created_at=now - timedelta(days=1))
    db.session.get(Escalation, escalation.id).review_due = date.today() - timedelta(days=1)
    make_provider(name="Suspended").suspended_reason = "Closed by the council"
    db.session.commit()
    page = client.get("/dashboard").data.decode()
    assert dashboard_bars(page, "Open escalations by age") == {
        "Under a week": 3,  # the fixture's, raised today, 0 and 6 days
        "1 to 4 weeks": 2,
        "1 to 3 months": 2,
        "Over 3 months": 2,
    }
    assert dashboard_bars(page, "Open escalations by state")["Raised"] == 9
    assert re.search(r'app-figure__number">1</span> Overdue reviews', page)
    assert re.search(r'app-figure__number">1</span> Providers suspended', page)


def test_emails_to_the_head_and_the_officer_carry_no_pupil_details(
    client, signed_in, officer, provider, make_user, mailbox
):
    """Raising emails the Head of Access a link; a decision emails the officer who raised it."""
    signed_in(officer)
    head = make_user("head_of_access")
    put(
        client,
        str(uuid.uuid4()),
        full_visit(provider.id, status="submitted", registration_evidence=evidence(5, 25)),
    )
    deliver_due()
    [raised] = mailbox
    assert raised["To"] == head.email and "/escalations/" in raised.get_content()
    assert "P1" not in raised.get_content() and "25" not in raised["Subject"]
    client.post("/logout")
    signed_in(head)
    escalation = escalations()[0]
    step(client, escalation, "under_review", reason="Looking into it")
    deliver_due()
    assert mailbox[-1]["To"] == officer.email and "Under review" in mailbox[-1]["Subject"]


def test_overdue_reminder_is_sent_once(app, runner, make_user, mailbox):
    """The daily command emails the Head of Access once about each overdue review."""
    from qa_app.escalations.raising import report_concern

    head = make_user("head_of_access")
    late = report_concern(
        make_user("officer"),
        {"address": "1 Road", "description": "x"},
        today=date.today() - timedelta(days=20),
    )
    db.session.commit()
    deliver_due()  # the email that it was raised
    mailbox.clear()
    assert "Reminders sent: 1" in runner.invoke(args=["send-overdue-reminders"]).output
    assert "Reminders sent: 0" in runner.invoke(args=["send-overdue-reminders"]).output
    assert "Emails sent: 1;" in runner.invoke(args=["send-notifications"]).output
    assert [m["To"] for m in mailbox] == [head.email] and late.reference in mailbox[0]["Subject"]


def test_admin_puts_a_new_version_in_force_on_commencement(
    client, signed_in, officer, provider, make_provider
):
    """An admin publishes a copied version from a date; visits from that date use it, older
    visits keep the version in force on their own date. Each visit is to a provider of its own
    (an officer has one open visit per provider)."""

    def another_provider():
        return make_provider(registration_status="not_known", officer_id=officer.id).id

    signed_in(officer)
    from qa_app.registration.models import RegistrationRules

    body = full_visit(provider.id, registration_evidence=evidence(4, 25))
    # One visit throughout (an officer has one open visit per provider), saved again as it changes.
    visit_uuid = str(uuid.uuid4())
    first = put(client, visit_uuid, body).get_json()
    assert first["registration_test"]["result"] == "not_indicated"
    client.post("/logout")
    signed_in("admin")
    current = db.session.scalar(db.select(RegistrationRules).where(RegistrationRules.name == "2026"))
    client.post(f"/admin/registration-rules/{current.id}/copy", data={"name": "2027"})
    draft = db.session.scalar(db.select(RegistrationRules).where(RegistrationRules.name == "2027"))
    form = {
        "title": "Four pupils",
        "institution": "any institution",
        "full_time_hours_over": "18",
        "borderline_hours_from": "15",
        "full_time_weeks_from": "30",
        "pupil_threshold": "4",
        "statuses": "ehc_plan,looked_after,sen",
    }
    assert (
        client.post(f"/admin/registration-rules/{draft.id}", data=form | _version(client, draft)).status_code
        == 302
    )
    assert (
        client.post(
            f"/admin/registration-rules/{draft.id}/publish", data={"in_force_from": ["", "", ""]}
        ).status_code
        == 400
    )
    commenced = date.today() - timedelta(days=3)
    response = client.post(
        f"/admin/registration-rules/{draft.id}/publish",
        data={"in_force_from": [str(commenced.day), str(commenced.month), str(commenced.year)]},
    )
    assert response.status_code == 302
    client.post("/logout")
    signed_in(officer)
    made = put(client, visit_uuid, {**body, "people_met": "The manager"}, version=first["version"]).get_json()
    test = made["registration_test"]
    assert (test["result"], test["rule_version"]) == ("likely_must_register", "2027")
    # The same visit moved to a date before commencement (one open visit per provider).
    old = {**body, "visit_date": (commenced - timedelta(days=10)).isoformat()}
    moved = put(client, visit_uuid, old, version=made["version"]).get_json()
    assert moved["registration_test"]["rule_version"] != "2027"


@pytest.mark.parametrize(
    "visit_date, rule_version, result",
    [
        (date(2026, 5, 31), "2008", "not_indicated"),
        (date(2026, 6, 1), "2026", "likely_must_register"),
    ],
)
def test_a_visit_keeps_the_rules_in_force_on_its_date(
    client, signed_in, officer, provider, visit_date, rule_version, result
):
    """The default rules: 2008 before 1 June 2026, 2026 from that day (one pupil with SEN)."""
    signed_in(officer)
    body = full_visit(
        provider.id, visit_date=visit_date.isoformat(), registration_evidence=evidence(1, 25, sen=True)
    )
    test = put(client, str(uuid.uuid4()), body).get_json()["registration_test"]
    assert (test["rule_version"], test["result"]) == (rule_version, result)


def test_admin_edits_thresholds_in_a_new_draft_only(client, signed_in):
    """Thresholds change in a copied draft; a published version refuses changes."""
    from qa_app.registration.models import RegistrationRules

    signed_in("admin")
    published = db.session.scalar(db.select(RegistrationRules).where(RegistrationRules.name == "2008"))
    form = {
        "title": "Tighter",
        "institution": "any institution",
        "full_time_hours_over": "16",
        "borderline_hours_from": "12",
        "full_time_weeks_from": "30",
        "pupil_threshold": "4",
        "statuses": "ehc_plan,looked_after",
    }
    response = client.post(
        f"/admin/registration-rules/{published.id}",
        data=form | {"version": content_version(published, VERSIONED)},
    )
    assert response.status_code == 400 and b"cannot change" in response.data
    client.post(f"/admin/registration-rules/{published.id}/copy", data={"name": "2027"})
    draft = db.session.scalar(db.select(RegistrationRules).where(RegistrationRules.name == "2027"))
    assert (
        client.post(
            f"/admin/registration-rules/{draft.id}", data={**form, "borderline_hours_from": "20"}
        ).status_code
        == 400
    )
    assert (
        client.post(f"/admin/registration-rules/{draft.id}", data=form | _version(client, draft)).status_code
        == 302
    )
    db.session.refresh(draft)
    assert draft.rules["full_time_hours_over"] == 16 and draft.rules["pupil_threshold"] == 4
    assert db.session.get(RegistrationRules, published.id).rules["full_time_hours_over"] == 18


def pdf_text(data):
    from io import BytesIO

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_referral_pack(client, signed_in, officer, provider):
    """The pack has the premises, the test's evidence and explanation, the decisions with
    reasons and the linked visit; it is internal and recorded in the audit trail."""
    signed_in(officer)
    visit_uuid = str(uuid.uuid4())
    put(
        client, visit_uuid, full_visit(provider.id, status="submitted", registration_evidence=evidence(5, 26))
    )
    client.post("/logout")
    signed_in("head_of_access")
    escalation = escalations()[0]
    step(client, escalation, "under_review", reason="Five pupils over 18 hours")
    step(client, escalation, "referred_to_director", reason="Not registered with the DfE")
    response = client.get(f"/escalations/{escalation.id}/referral-pack.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in (
        escalation.reference,
        "OFFICIAL-SENSITIVE",
        "Back Room Academy",
        "Unit 4, Mill Lane",
        "Likely must register",
        "P1, P2, P3, P4, P5",
        "Five pupils over 18 hours",
        "Not registered with the DfE",
        "Referred to the Director of Education",
        "Page 1 of",
    ):
        assert expected in text, expected
    assert "Referral pack downloaded" in client.get(f"/escalations/{escalation.id}").data.decode()


def test_referral_pack_is_never_for_schools_or_other_officers(client, signed_in, escalation):
    """School users get 403 and officers without a link to it 404."""
    signed_in("head_of_access")
    client.post("/logout")
    signed_in("school")
    assert client.get(f"/escalations/{escalation.id}/referral-pack.pdf").status_code == 403
    client.post("/logout")
    signed_in("officer")
    assert client.get(f"/escalations/{escalation.id}/referral-pack.pdf").status_code == 404


def test_visit_report_editions_and_the_registration_check(client, signed_in, officer, provider):
    """The internal report carries the registration check and escalation; the provider's doesn't."""
    signed_in(officer)
    visit_uuid = str(uuid.uuid4())
    put(
        client, visit_uuid, full_visit(provider.id, status="submitted", registration_evidence=evidence(5, 26))
    )
    internal = pdf_text(client.get(f"/visits/{visit_uuid}/report.pdf").data)
    provider_edition = pdf_text(client.get(f"/visits/{visit_uuid}/report.pdf?edition=provider").data)
    assert "Registration check" in internal and "Likely must register" in internal and "ESC-00001" in internal
    for secret in ("Registration check", "Likely must register", "ESC-", "Escalation"):
        assert secret not in provider_edition


def test_a_concern_reported_from_a_visit_is_in_its_internal_report(client, signed_in, officer, provider):
    """The officer's own report from a visit (no registration check) shows in the internal
    edition, and never in the provider's."""
    signed_in(officer)
    visit_uuid = str(uuid.uuid4())
    put(client, visit_uuid, full_visit(provider.id))
    client.post(
        "/escalations/report",
        data={
            "visit_uuid": visit_uuid,
            "provider_id": provider.id,
            "address": "Rear of 12 Station Road",
            "description": "Children arrive at 9 and leave at 3",
            "how_known": "Seen on the visit",
        },
    )
    internal = pdf_text(client.get(f"/visits/{visit_uuid}/report.pdf").data)
    provider_edition = pdf_text(client.get(f"/visits/{visit_uuid}/report.pdf?edition=provider").data)
    assert "ESC-00001" in internal and "ESC-" not in provider_edition
