"""One open escalation per provider, whatever raised it: the placements test, a visit's
registration check and a reported concern each add their evidence to the open one, and its
history says so."""

import uuid

import pytest
from sqlalchemy import func, select

from qa_app.escalations.models import Escalation, EscalationEvent
from qa_app.extensions import db
from qa_app.placements.schemas import PlacementBody
from qa_app.placements.services import save_placement
from qa_app.schemas import read
from tests.factories import placement_body

FIVE_PUPILS = {
    "pupils": [
        {"ref": f"P{n}", "hours_per_week": 25, "weeks_per_year": 38, "daytime": True, "main_education": True}
        for n in range(5)
    ],
    "sites": ["1 Back Lane"],
}


@pytest.fixture
def world(make_user, make_provider):
    officer = make_user("officer")
    make_user("head_of_access")
    staff = [make_user("school", school=f"School {n}") for n in range(5)]
    provider = make_provider(name="Back Lane Tutors", registration_status="not_known", officer_id=officer.id)
    return {"officer": officer, "staff": staff, "provider": provider}


def place_five(world):
    for user in world["staff"]:
        body = placement_body(user.school, world["provider"], hours_per_week=25, sen_support=False)
        save_placement(user, str(uuid.uuid4()), read(PlacementBody, body).to_change())
        db.session.commit()


def open_escalations(provider):
    return db.session.scalars(
        select(Escalation).where(Escalation.provider_id == provider.id, Escalation.state != "closed")
    ).all()


def actions(escalation):
    return db.session.scalars(
        select(EscalationEvent.action).where(EscalationEvent.escalation_id == escalation.id)
    ).all()


def test_a_visits_registration_check_adds_to_the_placements_escalation(world, make_visit):
    """The demo's ESC-00006 and ESC-00007: the placements test raised one, then a visit's
    registration check would have raised a second."""
    place_five(world)
    [escalation] = open_escalations(world["provider"])
    assert escalation.source == "placements"
    visit = make_visit(
        world["provider"], officer=world["officer"], rag="amber", registration_evidence=FIVE_PUPILS
    )
    assert open_escalations(world["provider"]) == [escalation]
    assert "evidence" in actions(escalation)
    db.session.refresh(visit)
    assert visit.registration_result["escalation_id"] == escalation.id


def test_the_placements_test_adds_to_a_visits_escalation(world, make_visit):
    make_visit(world["provider"], officer=world["officer"], rag="amber", registration_evidence=FIVE_PUPILS)
    [escalation] = open_escalations(world["provider"])
    assert escalation.source == "registration_test"
    visit_result = dict(escalation.test_result)
    place_five(world)
    assert open_escalations(world["provider"]) == [escalation]
    db.session.refresh(escalation)
    assert "evidence" in actions(escalation)
    # The visit's own result stays; the placements test's is kept beside it.
    assert escalation.test_result["result"] == visit_result["result"]
    assert len(escalation.test_result["placements_test"]["placements"]) == 5


def test_a_reported_concern_about_the_provider_is_added_to_the_open_one(client, signed_in, world):
    place_five(world)
    [escalation] = open_escalations(world["provider"])
    reporter = signed_in(world["staff"][0])
    data = {
        "provider_id": str(world["provider"].id),
        "address": "1 Back Lane",
        "description": "Children there all day",
        "how_known": "A parent told us",
    }
    response = client.post("/escalations/report", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/escalations/{escalation.id}/received"
    assert open_escalations(world["provider"]) == [escalation]
    assert "concern" in actions(escalation)
    # The school sees the receipt (the reference), never the escalation itself.
    assert client.get(response.headers["Location"]).status_code == 200
    assert client.get(f"/escalations/{escalation.id}").status_code == 403
    assert reporter.id != escalation.reported_by_id


def test_the_database_holds_one_open_escalation_per_provider(world, make_user):
    """The unique index refuses a second open escalation for a provider from any source."""
    from sqlalchemy.exc import IntegrityError

    from qa_app.escalations.raising import report_concern

    place_five(world)
    db.session.add(
        Escalation(
            reported_by_id=world["officer"].id,
            source="report",
            provider_id=world["provider"].id,
            address="1 Back Lane",
            description="A second",
            state="raised",
            review_due=db.func.current_date(),
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    # An address reported with no provider is an escalation of its own.
    report_concern(make_user("school"), {"address": "9 Elsewhere", "description": "Seen"})
    db.session.commit()
    assert db.session.scalar(select(func.count(Escalation.id))) == 2
