"""The PDF report of a school visit (docs/domain.md §2.7): the school on the cover, the five
areas with their criteria, the placements checked (pupils by reference only), the actions
for the school; the school's edition leaves out what is internal. Read back with pypdf."""

import dataclasses
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from qa_app.auth.models import School, User
from qa_app.extensions import db
from qa_app.framework.school_defaults import SCHOOL_THEMES
from qa_app.framework.services import load_default_framework
from qa_app.reports.content import visit_report
from qa_app.reports.entries import PlacementCheckEntry
from qa_app.reports.pdf import build_visit_report
from qa_app.visits.models import Visit, VisitEvent
from qa_app.visits.services import return_to_officer
from tests.school_visits import all_checks, make_school_visit, school_ratings
from tests.test_reports import pdf_pages

DUE = date.today() + timedelta(days=40)


@pytest.fixture
def school_case(app, make_user, make_provider, make_placement, head_of_access):
    """A school (URN, borough) with a full-time and a part-time placement, an earlier
    signed-off visit with an open action, and a signed-off visit that checks both
    placements and sets an action for the school."""
    load_default_framework("school")
    db.session.commit()
    officer = make_user("officer", name="Lena Officer")
    staff = make_user("school", school="Hillside High")
    school = db.session.get(School, staff.school_id)
    school.urn, school.borough, school.officer_id = "123456", "Riverside", officer.id
    db.session.commit()
    hub = make_provider(name="Fresh Start Hub", registration_status="unregistered")
    make_placement(school, hub, pupil_ref="HH-001")
    make_placement(
        school,
        hub,
        pupil_ref="HH-002",
        part_time=True,
        hours_per_week=12,
        part_time_reason="Phased return",
        part_time_review_date=(date.today() + timedelta(days=10)).isoformat(),
    )
    earlier = make_school_visit(
        officer,
        school,
        days_ago=200,
        reviewer=head_of_access(),
        actions=[{"description": "Hold written confirmations for every placement", "owner": "school"}],
    )
    action_id = str(earlier.actions[0].id)
    ratings = school_ratings(QR1="partly_met", PV1="not_met")
    # The checks a visit on that day asks (an officer has one open visit to a school at a time).
    checks = all_checks(Visit(school_id=school.id, visit_date=date.today() - timedelta(days=5)))
    first, second = sorted(checks, key=lambda key: key)  # two placements
    checks[first] |= {"confirmation_held": "no", "note": "Confirmation asked for on the day."}
    checks[second] |= {"part_time_reviewed": "not_applicable"}
    visit = make_school_visit(
        officer,
        school,
        days_ago=5,
        ratings=ratings,
        reviewer=head_of_access(),
        placement_checks=checks,
        strengths="Every placement has a plan with clear objectives.",
        pupil_voice="Pupils said their views are written down at reviews.",
        actions=[
            {"description": "Record each pupil's view at reviews", "owner": "school", "due": DUE.isoformat()}
        ],
        action_outcomes={action_id: "not_done"},
        action_notes={action_id: "Two still missing."},
    )
    return {"officer": officer, "staff": staff, "school": school, "visit": visit, "head": head_of_access()}


def build(visit, edition="internal"):
    return pdf_pages(build_visit_report(visit_report(visit, "Riverside Borough Council", edition)))


def test_the_report_names_the_school_and_has_the_five_areas(school_case):
    """Cover: the school, URN, borough, overall RAG; each area with its criteria, judgements
    and evidence; strengths, pupil voice, the action for the school and the earlier one."""
    pages = build(school_case["visit"])
    text = " ".join(pages)
    cover = pages[0]
    assert "School visit report" in cover and "Hillside High" in cover
    assert "123456" in cover and "Riverside" in cover and "Lena Officer" in cover
    # PV1 not met makes the Pupil voice area Red, which alone makes the visit Amber.
    assert "Overall rating AMBER" in cover and "Pupil voice is Red" in cover
    for _code, name in SCHOOL_THEMES:
        assert name in text
    for code in ("PR1", "QR1", "QR3", "AF2", "RD2", "PV1", "PV2"):
        assert code in text
    assert "Partly met" in text and "Not met" in text and "Evidence seen" in text
    assert "Every placement has a plan with clear objectives." in text
    assert "Pupils said their views are written down at reviews." in text
    assert "Record each pupil's view at reviews" in text and "School" in text
    assert f"{DUE.day} {DUE:%b %Y}" in text
    assert "Hold written confirmations for every placement" in text and "Not done: Two still missing." in text
    assert "Summary of ratings" in text and "Area" in text


def test_the_placements_checked_by_reference_only(school_case):
    """Each placement by the pupil's reference, with the provider, every answer and the note;
    a placement carries no field for a pupil's name."""
    text = " ".join(build(school_case["visit"], "provider"))
    assert "Placements checked" in text
    assert "HH-001" in text and "HH-002" in text and "Fresh Start Hub" in text
    assert "Confirmation asked for on the day." in text
    assert "Record complete" in text and "Confirmation held" in text and "Part-time reviewed" in text
    assert "Not applicable" in text and "No" in text and "Yes" in text
    fields = {f.name for f in dataclasses.fields(PlacementCheckEntry)}
    assert fields == {"pupil_ref", "year_group", "provider", "dates", "answers", "note"}
    assert not any("name" in f for f in fields)


def test_the_school_edition_leaves_out_internal_notes(school_case, make_user):
    """A returned visit's comment is in the internal edition only; the school's edition says so."""
    case = school_case
    visit = make_school_visit(case["officer"], case["school"], status="submitted", days_ago=1)
    return_to_officer(case["head"], visit, "Add the evidence for the partly met criteria.")
    db.session.commit()
    internal = " ".join(build(visit))
    school = " ".join(build(visit, "provider"))
    assert "Add the evidence for the partly met criteria." in internal and "Internal information" in internal
    assert "left out of the school edition" in internal
    assert "Add the evidence" not in school and "Internal information" not in school
    assert "School edition" in school and "Provider edition" not in school
    assert "DRAFT" in school


def test_the_school_downloads_its_edition(client, login, school_case):
    """The school's staff read the school's edition of a signed-off visit, not the internal one."""
    case = school_case
    login(case["staff"])
    url = f"/visits/{case['visit'].uuid}/report.pdf"
    response = client.get(url + "?edition=provider")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(pdf_pages(response.data))
    assert "Hillside High" in text and "HH-001" in text and "School edition" in text
    assert client.get(url).status_code == 403


def test_the_officer_downloads_the_internal_edition(client, login, school_case):
    """The officer reads the internal edition: a cover and the areas after it."""
    login(school_case["officer"])
    response = client.get(f"/visits/{school_case['visit'].uuid}/report.pdf")
    assert response.status_code == 200
    pages = pdf_pages(response.data)
    assert "Internal edition" in " ".join(pages)
    assert len(pages) >= 2 and "Placement records" in " ".join(pages[1:])


def test_the_school_edition_is_emailed_to_the_schools_staff(
    app, client, login, school_case, make_user, mailbox
):
    """The signed-off school visit's school edition goes to the school's active staff, as a PDF,
    and the visit's history says so; a school with no staff is told so and nothing is sent."""
    visit = school_case["visit"]
    school = visit.school
    make_user("school", email="senco@example.org", school=school.name)
    make_user("school", email="head@example.org", school=school.name)
    make_user("school", email="gone@example.org", school=school.name, active=False)
    login(school_case["officer"])
    page = client.get(f"/visits/{visit.uuid}").get_data(as_text=True)
    assert f"Email the school&#39;s report to the staff of {school.name}" in page
    response = client.post(f"/visits/{visit.uuid}/report/email")
    assert response.status_code == 302
    (message,) = list(mailbox)
    staff = sorted({school_case["staff"].email, "head@example.org", "senco@example.org"})
    assert sorted(a.strip() for a in message["To"].split(",")) == staff
    (attachment,) = list(message.iter_attachments())
    assert "School edition" in " ".join(pdf_pages(attachment.get_content()))
    events = db.session.scalars(select(VisitEvent).where(VisitEvent.visit_id == visit.id)).all()
    assert [e.comment for e in events if e.action == "email"] == [
        f"School edition emailed to 3 staff of {school.name}"
    ]


def test_a_school_with_no_staff_is_not_emailed(app, client, login, school_case, mailbox):
    visit = school_case["visit"]
    login(school_case["officer"])
    db.session.execute(db.update(User).where(User.school_id == visit.school_id).values(active=False))
    db.session.commit()
    response = client.post(f"/visits/{visit.uuid}/report/email", follow_redirects=True)
    assert "has no staff who sign in here" in response.get_data(as_text=True)
    assert list(mailbox) == []
