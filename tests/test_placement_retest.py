"""The cross-school registration test runs again when a save changes what it reads of a
placement (its school, provider, pupil, dates, hours, weeks, time of day, needs, main
education), once for each provider touched, and not when a save changes anything else."""

import uuid
from datetime import date, timedelta

import pytest

from qa_app.extensions import db
from qa_app.placements import cross_school_test
from qa_app.placements.representation import placement_as_json
from qa_app.placements.schemas import PlacementBody
from qa_app.placements.services import save_placement
from qa_app.schemas import read
from tests.factories import placement_body

TODAY = date.today()


@pytest.fixture
def world(make_user, make_provider):
    staff = make_user("school", school="Alder School")
    first = make_provider(name="Back Room Tutors", registration_status="not_known")
    second = make_provider(name="Front Room Tutors", registration_status="unregistered")
    return {"staff": staff, "first": first, "second": second}


@pytest.fixture
def retests(monkeypatch):
    """The sets of provider ids the registration test was run for, one set per run."""
    runs = []
    real = cross_school_test.retest_providers

    def spy(provider_ids, today=None):
        runs.append(set(provider_ids))
        return real(provider_ids, today)

    monkeypatch.setattr(cross_school_test, "retest_providers", spy)
    return runs


def _save(user, placement_uuid, body, version=None):
    placement, _ = save_placement(user, placement_uuid, read(PlacementBody, body).to_change(), version)
    db.session.commit()
    return placement


def _placed(world):
    body = placement_body(world["staff"].school, world["first"], hours_per_week=20)
    placement = _save(world["staff"], str(uuid.uuid4()), body)
    return placement, placement_as_json(placement)


def test_a_new_placement_is_tested(world, retests):
    _placed(world)
    assert retests == [{world["first"].id}]


@pytest.mark.parametrize(
    "change",
    [
        {"objectives": "Read with a mentor every day"},
        {"attendance_code": "D"},
        {"safeguarding_confirmation_received": (TODAY - timedelta(days=3)).isoformat()},
        {"reviews": "one"},
    ],
)
def test_a_save_of_anything_the_test_does_not_read_tests_nothing_again(world, retests, change):
    """Objectives, the attendance code, the safeguarding confirmation, a review: no re-test."""
    placement, body = _placed(world)
    retests.clear()
    if change.get("reviews") == "one":
        change = {
            "reviews": [
                {
                    "review_date": TODAY.isoformat(),
                    "sessions_possible": 10,
                    "sessions_attended": 9,
                    "sessions_unauthorised": 0,
                    "progress": "Settled",
                    "decision": "continue",
                }
            ]
        }
    before = placement.version
    saved = _save(world["staff"], placement.uuid, body | change, before)
    assert saved.version == before + 1  # the change was stored
    assert retests == []


@pytest.mark.parametrize(
    "change",
    [
        {"hours_per_week": 26},
        {"ehc_plan": True},
        {"looked_after": True},
        {"year_group": 8},
        {"start_date": (TODAY - timedelta(days=5)).isoformat()},
        {"pupil_ref": "NEW-REF-1"},
    ],
)
def test_a_save_of_what_the_test_reads_tests_the_provider_once(world, retests, change):
    placement, body = _placed(world)
    retests.clear()
    _save(world["staff"], placement.uuid, body | change, placement.version)
    assert retests == [{world["first"].id}]


def test_ending_a_placement_tests_its_provider(world, retests):
    placement, body = _placed(world)
    retests.clear()
    end = {"date": TODAY.isoformat(), "destination": "home_school_full_time", "pupil_assessment": ""}
    _save(world["staff"], placement.uuid, body | {"end": end}, placement.version)
    assert retests == [{world["first"].id}]


def test_moving_a_placement_tests_both_providers_in_one_run(world, retests):
    placement, body = _placed(world)
    retests.clear()
    moved = body | {"provider_id": world["second"].id, "placing_reason": "The only place near home"}
    _save(world["staff"], placement.uuid, moved, placement.version)
    assert retests == [{world["first"].id, world["second"].id}]
