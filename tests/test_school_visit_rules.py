"""School visits' rules (docs/domain.md §2.7): the five areas as a framework version of their own,
rated by the framework's RAG rules, and a school visit through the one save path (the API's)."""

import uuid
from datetime import date, timedelta

import pytest

from qa_app.auth.models import School
from qa_app.extensions import db
from qa_app.framework.rating import CriterionView, rate_visit
from qa_app.framework.school_defaults import SCHOOL_RULES, SCHOOL_THEME_CODES
from qa_app.framework.services import copy_version, current_version
from qa_app.schools.services import save_school
from qa_app.visits.models import Action, Visit
from qa_app.visits.services import blocker_groups, submission_blockers
from tests.factories import version_on_page

TODAY = date.today()


@pytest.fixture
def school_version(app):
    return current_version("school")


@pytest.fixture
def school(app, make_user):
    """A school whose link officer is the officer the tests sign in as."""
    officer = make_user("officer", email="link@example.org")
    school = save_school(School(), {"name": "Riverside Academy", "urn": "100200", "phase": "secondary"})
    school.officer_id = officer.id
    db.session.commit()
    return school


def officer_of(school):
    return db.session.get(type(school.officer), school.officer_id)


def judgements(version, rating="met", **special):
    return [
        {"criterion": c.code, "rating": special.get(c.code, rating), "evidence": "Seen in the files"}
        for c in version.active_criteria()
    ]


def body(school, version, **fields):
    return {
        "school_id": school.id,
        "visit_date": (TODAY - timedelta(days=1)).isoformat(),
        "visit_type": "scheduled",
        "framework_version": version.name,
        "people_met": "SENCO; inclusion lead",
        "judgements": judgements(version),
        **fields,
    }


def put(client, visit_uuid, data, version=None):
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return client.put(f"/api/visits/{visit_uuid}", json=data, headers=headers)


# -- the versioned rule data ----------------------------------------------------------------


def test_school_version_has_five_areas_in_order(school_version):
    assert school_version.kind == "school" and school_version.is_published
    assert tuple(school_version.themes) == SCHOOL_THEME_CODES == ("PR", "QR", "AF", "RD", "PV")
    assert [c.code for c in school_version.criteria_by_theme()["QR"]] == ["QR1", "QR2", "QR3"]
    assert current_version().kind == "provider"


@pytest.mark.parametrize(
    "ratings, overall, why",
    [
        ({}, "green", ["All five themes are Green"]),
        ({"QR1": "not_met"}, "red", ["Use of quality-assured and registered providers is Red"]),
        ({"PR1": "partly_met"}, "amber", ["Placement records is Amber"]),
        (
            {"PR1": "not_met", "AF1": "not_met"},
            "red",
            ["2 themes are Red: Placement records, Attendance follow-up"],
        ),
    ],
)
def test_areas_are_rated_by_the_framework_rules(school_version, ratings, overall, why):
    """The same RAG rules as the framework, with the areas and thresholds of the version's data."""
    criteria = [CriterionView(c.code, c.text, c.critical, c.theme) for c in school_version.active_criteria()]
    judged = {c.code: "met" for c in criteria} | ratings
    themes, rag, reasons = rate_visit(criteria, judged, school_version.rules)
    assert set(themes) == set(SCHOOL_THEME_CODES)
    assert (rag, reasons) == (overall, why)


def test_an_admin_copies_edits_and_publishes_a_school_version(client, signed_in, school_version):
    signed_in("admin")
    draft = copy_version(school_version, "schools-2027-2028", "")
    db.session.commit()
    assert draft.kind == "school"
    page = client.get(f"/admin/frameworks/{draft.id}/criteria/new").get_data(as_text=True)
    assert "Pupil voice" in page and "Safeguarding" not in page

    added = client.post(
        f"/admin/frameworks/{draft.id}/criteria/new",
        data={"theme": "PV", "text": "Pupils' views shape the plan"},
    )
    assert added.status_code == 302
    assert [c.code for c in draft.criteria_by_theme()["PV"]][-1] == "PV3"

    rules_page = client.get(f"/admin/frameworks/{draft.id}/rules").get_data(as_text=True)
    assert "Green rating valid for" not in rules_page  # a school has no QA status
    saved = client.post(
        f"/admin/frameworks/{draft.id}/rules",
        data={
            "version": version_on_page(client, f"/admin/frameworks/{draft.id}/rules"),
            "theme_red_not_met_fraction": "0.5",
            "insufficient_not_seen_fraction": "0.5",
            "overall_red_if_theme_red": ["QR", "AF"],
            "overall_red_theme_count": "3",
            "next_green": "365",
            "next_amber": "270",
            "next_red": "120",
        },
    )
    assert saved.status_code == 302
    assert draft.rules["themes"] == SCHOOL_RULES["themes"]
    assert draft.rules["overall_red_if_theme_red"] == ["QR", "AF"]
    assert draft.rules["next_visit_days"] == {"green": 365, "amber": 270, "red": 120}
    too_many = client.post(
        f"/admin/frameworks/{draft.id}/rules",
        data={
            "theme_red_not_met_fraction": "0.5",
            "insufficient_not_seen_fraction": "0.5",
            "overall_red_theme_count": "6",
            "next_green": "1",
            "next_amber": "1",
            "next_red": "1",
        },
    )
    assert too_many.status_code == 400 and b"Number must be between 1 and 5" in too_many.data

    assert client.post(f"/admin/frameworks/{draft.id}/publish").status_code == 302
    assert current_version("school") == draft and current_version().kind == "provider"


# -- a school visit through the save path ----------------------------------------------------


def test_an_officer_saves_a_school_visit(
    client, signed_in, school, school_version, make_provider, make_placement
):
    provider = make_provider()
    placement = make_placement(school, provider)
    signed_in(officer_of(school))
    visit_uuid = str(uuid.uuid4())
    checks = {
        placement.uuid: {
            "record_complete": "yes",
            "provider_qa_when_placed": "no",
            "confirmation_held": "yes",
            "note": "Placed while the provider was awaiting its first visit",
        }
    }
    data = body(
        school,
        school_version,
        placement_checks=checks,
        actions=[
            {
                "description": "Check the register before placing",
                "owner": "school",
                "due": (TODAY + timedelta(days=30)).isoformat(),
            }
        ],
    )
    response = put(client, visit_uuid, data)
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["school_id"] == school.id and answer["provider_id"] is None
    assert answer["placement_checks"] == checks
    assert answer["overall_rag"] == "green" and set(answer["theme_rag"]) == set(SCHOOL_THEME_CODES)
    assert answer["registration_test"] is None
    visit = db.session.scalar(db.select(Visit).filter_by(uuid=visit_uuid))
    assert visit.is_school_visit and visit.visited == school
    action = db.session.scalar(db.select(Action).filter_by(visit_id=visit.id))
    assert (action.school_id, action.provider_id, action.owner) == (school.id, None, "school")


def test_a_school_visit_needs_every_placement_check_to_submit(
    app, client, signed_in, school, school_version, make_provider, make_placement
):
    provider = make_provider()
    full_time = make_placement(school, provider, pupil_ref="Y9-001")
    part_time = make_placement(
        school,
        provider,
        pupil_ref="Y9-002",
        part_time=True,
        hours_per_week=10,
        part_time_reason="Anxiety",
        part_time_review_date=(TODAY + timedelta(days=20)).isoformat(),
    )
    signed_in(officer_of(school))
    visit_uuid = str(uuid.uuid4())
    checks = {
        full_time.uuid: {
            "record_complete": "yes",
            "provider_qa_when_placed": "yes",
            "confirmation_held": "yes",
        }
    }
    refused = put(
        client, visit_uuid, body(school, school_version, status="submitted", placement_checks=checks)
    )
    assert refused.status_code == 400
    fields = refused.get_json()["fields"]
    assert set(fields) == {
        f"placement_checks.{part_time.uuid}.{code}"
        for code in ("record_complete", "provider_qa_when_placed", "confirmation_held", "part_time_reviewed")
    }
    assert fields[f"placement_checks.{part_time.uuid}.part_time_reviewed"] == (
        "Answer for Y9-002: a part-time timetable was reviewed"
    )
    assert db.session.scalar(db.select(db.func.count(Visit.id))) == 0  # nothing half-written

    checks[part_time.uuid] = {
        "record_complete": "no",
        "provider_qa_when_placed": "yes",
        "confirmation_held": "yes",
        "part_time_reviewed": "not_applicable",
    }
    assert (
        put(
            client, visit_uuid, body(school, school_version, status="submitted", placement_checks=checks)
        ).status_code
        == 201
    )


def test_check_answers_groups_the_placement_checks(
    app, school, school_version, make_provider, make_placement
):
    placement = make_placement(school, make_provider(), pupil_ref="Y11-004")
    visit = Visit(
        school=school,
        school_id=school.id,
        framework_version=school_version,
        visit_date=TODAY,
        placement_checks={},
        theme_rags={},
        insufficient_reasons={},
    )
    visit.judgements = []
    blockers = submission_blockers(
        visit, judged={c.code: ("met", "") for c in school_version.active_criteria()}
    )
    assert list(blockers) == [
        f"placement_checks.{placement.uuid}.{code}"
        for code in ("record_complete", "provider_qa_when_placed", "confirmation_held")
    ]
    groups = blocker_groups(school_version, blockers)
    assert [(g["theme"], g["summary"]) for g in groups] == [
        ("placements", "Placements: 3 answers still to give")
    ]


def test_placements_listed_are_open_or_ended_since_the_last_visit(
    app, school, school_version, make_provider, make_placement, make_user
):
    from qa_app.visits.school_placements import placements_to_check

    provider = make_provider()
    other = save_school(School(), {"name": "Hillside School", "phase": "secondary"})
    db.session.commit()
    started = (TODAY - timedelta(days=400)).isoformat()
    open_one = make_placement(school, provider, pupil_ref="OPEN-1")
    recent = make_placement(
        school,
        provider,
        pupil_ref="ENDED-1",
        start_date=started,
        planned_end_date=(TODAY - timedelta(days=300)).isoformat(),
        end={
            "date": (TODAY - timedelta(days=320)).isoformat(),
            "destination": "home_school_full_time",
            "pupil_assessment": "Glad to be back",
        },
    )
    make_placement(other, provider, pupil_ref="OTHER-1")
    visit = Visit(school=school, school_id=school.id, visit_date=TODAY)
    listed = [p["pupil_ref"] for p in placements_to_check(visit)]
    assert listed == ["OPEN-1", "ENDED-1"]  # open first; a year back with no earlier visit
    assert open_one.uuid in {p["uuid"] for p in placements_to_check(visit)}
    assert recent.ended_on is not None


def test_an_officer_may_not_visit_another_officers_school(client, signed_in, school, school_version):
    signed_in("officer")
    response = put(client, str(uuid.uuid4()), body(school, school_version))
    assert response.status_code == 400
    assert response.get_json()["fields"] == {
        "school_id": "You may not visit Riverside Academy: only its link officer or the Head of Access can"
    }


def test_an_answer_for_another_schools_placement_is_refused(
    client, signed_in, school, school_version, make_provider, make_placement
):
    other = save_school(School(), {"name": "Hillside School", "phase": "secondary"})
    db.session.commit()
    theirs = make_placement(other, make_provider())
    signed_in(officer_of(school))
    checks = {theirs.uuid: {"record_complete": "yes"}}
    response = put(client, str(uuid.uuid4()), body(school, school_version, placement_checks=checks))
    assert response.status_code == 400
    assert response.get_json()["fields"] == {
        f"placement_checks.{theirs.uuid}": "is not one of this school's placements on this visit"
    }
    assert db.session.scalar(db.select(db.func.count(Visit.id))) == 0


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"provider_id": 1}, "school_id"),
        ({"framework_version": "2025-2026"}, "framework_version"),
    ],
)
def test_a_school_visit_is_to_a_school_under_a_school_version(
    client, signed_in, school, school_version, extra, field
):
    signed_in(officer_of(school))
    response = put(client, str(uuid.uuid4()), body(school, school_version) | extra)
    assert response.status_code == 400 and field in response.get_json()["fields"]


def test_a_provider_visit_cannot_carry_placement_checks(client, signed_in, make_provider):
    provider = make_provider()
    officer = signed_in("officer")
    provider.officer_id = officer.id
    db.session.commit()
    response = put(
        client,
        str(uuid.uuid4()),
        {
            "provider_id": provider.id,
            "visit_date": TODAY.isoformat(),
            "placement_checks": {"x": {"record_complete": "yes"}},
        },
    )
    assert response.status_code == 400
    assert response.get_json()["fields"] == {"placement_checks": "Only a school visit checks placements"}


def test_overdue_school_actions_are_on_the_actions_page(client, signed_in, school, make_school_visit):
    """A school's overdue action is listed for its link officer, named by the school, and not
    for another officer."""
    due = (TODAY - timedelta(days=5)).isoformat()
    make_school_visit(
        school,
        days_ago=40,
        officer=officer_of(school),
        actions=[{"description": "Hold every written confirmation", "owner": "school", "due": due}],
    )
    signed_in(officer_of(school))
    page = client.get("/actions").get_data(as_text=True)
    assert "Hold every written confirmation" in page and "Riverside Academy" in page
    client.post("/logout")
    signed_in("officer")
    assert "Hold every written confirmation" not in client.get("/actions").get_data(as_text=True)
