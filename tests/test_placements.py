"""The placement save path: its rules on bad input (nothing saved), who may save for which
school, If-Match and conflicts, and the notice when placing with a provider that is not
quality assured."""

import importlib
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from qa_app import signals
from qa_app.auth.models import School
from qa_app.domain import Conflict, Forbidden, Invalid, NotFound, VersionRequired
from qa_app.extensions import db
from qa_app.notifications.models import OutboxEmail
from qa_app.placements import services
from qa_app.placements.models import Placement, PlacementConflict, PlacementReview
from qa_app.placements.placing import placing_check
from qa_app.placements.schemas import PlacementBody
from qa_app.placements.services import save_placement
from qa_app.schemas import read
from tests.factories import clear_outbox, placement_body

TODAY = date.today()


@pytest.fixture
def world(make_user, make_provider, make_visit):
    """Two schools with a user each, an officer, the Head of Access, and two providers:
    one quality assured (a Green visit, registered) and one never visited."""
    school_user = make_user("school", school="Riverside Academy")
    other_user = make_user("school", school="Hillside School")
    officer = make_user("officer", email="officer.p@example.org")
    head = make_user("head_of_access", email="head.p@example.org")
    good = make_provider(registration_status="ofsted_registered", urn="123456")
    make_visit(good, rag="green", reviewer=head)
    clear_outbox()
    unknown = make_provider(officer_id=officer.id)
    return {
        "school": school_user.school,
        "other": other_user.school,
        "school_user": school_user,
        "other_user": other_user,
        "officer": officer,
        "head": head,
        "good": good,
        "unknown": unknown,
    }


def _save(user, body, placement_uuid=None, **kwargs):
    change = read(PlacementBody, body).to_change()
    placement, created = save_placement(user, placement_uuid or str(uuid.uuid4()), change, **kwargs)
    db.session.commit()
    return placement, created


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_school_records_its_own_placement(world):
    body = placement_body(world["school"], world["good"], placing_reason="")
    placement, created = _save(world["school_user"], body)
    assert created and placement.version == 1
    assert placement.school == world["school"] and placement.provider_status_when_placed == "quality_assured"
    assert _count(OutboxEmail) == 0


DAY = timedelta(days=1)
START = TODAY - timedelta(days=30)
REVIEW = {"review_date": (TODAY - DAY).isoformat(), "sessions_possible": 20, "sessions_attended": 18}

BAD = [
    ({"pupil_ref": "John Smith"}, "pupil_ref", "never a name"),
    ({"pupil_ref": "Smith"}, "pupil_ref", "never a name"),
    ({"pupil_ref": "mary jane o'neil"}, "pupil_ref", "never a name"),
    ({"pupil_ref": "Y10 017"}, "pupil_ref", "no spaces"),
    ({"pupil_ref": "A"}, "pupil_ref", "2 to 20"),
    ({"pupil_ref": "Y10_017"}, "pupil_ref", "letters, digits or hyphens"),
    ({"pupil_ref": "X" * 21}, "pupil_ref", "2 to 20"),
    ({"end": {"date": (START - DAY).isoformat(), "destination": "post_16"}}, "end.date", "before its start"),
    ({"reviews": [{**REVIEW, "review_date": (START - DAY).isoformat()}]}, "reviews[0].review_date", "before"),
    ({"reviews": [{**REVIEW, "review_date": (TODAY + DAY).isoformat()}]}, "reviews[0].review_date", "future"),
    ({"reviews": [{**REVIEW, "sessions_attended": 21}]}, "reviews[0].sessions_attended", "more than the 20"),
    (
        {"reviews": [{**REVIEW, "sessions_unauthorised": 3}]},
        "reviews[0].sessions_unauthorised",
        "less those attended (2)",
    ),
    ({"hours_per_week": 41}, "hours_per_week", "between 0 and 40"),
    ({"hours_per_week": -1}, "hours_per_week", "between 0 and 40"),
    ({"days_per_week": 6}, "days_per_week", "between 0 and 5"),
    ({"part_time": True, "part_time_review_date": TODAY.isoformat()}, "part_time_reason", "reason"),
    ({"part_time": True, "part_time_reason": "Medical advice"}, "part_time_review_date", "review"),
    ({"planned_end_date": (START + timedelta(days=366)).isoformat()}, "planned_end_date", "365 days"),
    ({"planned_end_date": (START - DAY).isoformat()}, "planned_end_date", "on or after the start"),
    ({"reason": "bored"}, "reason", "must be one of"),
    ({"commissioned_by": "parent"}, "commissioned_by", "must be one of"),
    ({"attendance_code": "X"}, "attendance_code", "must be one of"),
    ({"end": {"date": TODAY.isoformat(), "destination": "abroad"}}, "end.destination", "must be one of"),
    ({"reviews": [{**REVIEW, "decision": "maybe"}]}, "reviews[0].decision", "must be one of"),
    ({"provider_id": 999999}, "provider_id", "not a provider"),
    ({"school_id": 999999}, "school_id", "your own school"),
]


@pytest.mark.parametrize(
    ("fields", "path", "words"), BAD, ids=[b[1] + ":" + str(i) for i, b in enumerate(BAD)]
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(world, fields, path, words):
    body = placement_body(world["school"], world["unknown"], start_date=START.isoformat(), **fields)
    if "planned_end_date" not in fields:
        body["planned_end_date"] = (START + timedelta(days=100)).isoformat()
    with pytest.raises((Invalid, Forbidden)) as refused:
        _save(world["school_user"], body)
    db.session.rollback()
    assert words in refused.value.fields[path]
    assert _count(Placement) == _count(PlacementReview) == _count(OutboxEmail) == 0


def test_an_officer_places_for_a_school_that_does_not_exist(world):
    body = placement_body(999999, world["good"])
    with pytest.raises(Invalid) as refused:
        _save(world["head"], body)
    assert "not a school" in refused.value.fields["school_id"]


def test_a_reference_is_not_a_name():
    for ref in ("Y10-017", "AB", "P1", "2026-0042", "ABC"):
        assert read(PlacementBody, placement_body(1, 1, pupil_ref=ref)).pupil_ref == ref


def test_the_same_pupil_and_start_twice_is_refused(world):
    body = placement_body(world["school"], world["good"])
    _save(world["school_user"], body)
    with pytest.raises(Invalid) as refused:
        _save(world["school_user"], body)
    assert "already has a placement" in refused.value.fields["pupil_ref"]


def test_scoping(world, make_user):
    placement, _ = _save(world["school_user"], placement_body(world["school"], world["good"]))
    body = placement_body(world["school"], world["good"], pupil_ref=placement.pupil_ref)
    # Another school's placement does not exist for them, not even to overwrite.
    with pytest.raises(NotFound):
        _save(world["other_user"], body, placement.uuid)
    db.session.rollback()
    with pytest.raises(NotFound):
        services.find_placement(world["other_user"], placement.uuid)
    # ... nor may they record one for the other school.
    with pytest.raises(Forbidden):
        _save(world["other_user"], placement_body(world["school"], world["good"]))
    db.session.rollback()
    # The Head of Access records for any school, an officer at their providers or for the
    # schools they visit; admins not at all.
    assert _save(world["head"], placement_body(world["other"], world["good"]))[1]
    assert _save(world["officer"], placement_body(world["other"], world["unknown"], placing_reason="Near"))[1]
    with pytest.raises(Forbidden):
        _save(world["officer"], placement_body(world["other"], world["good"], pupil_ref="ELSE-1"))
    db.session.rollback()
    admin = make_user("admin")
    with pytest.raises(Forbidden):
        _save(admin, placement_body(world["school"], world["good"]))
    db.session.rollback()
    with pytest.raises(NotFound):
        services.find_placement(admin, placement.uuid)
    assert services.find_placement(world["head"], placement.uuid) == placement
    with pytest.raises(NotFound):  # another officer's provider, a school they do not visit
        services.find_placement(world["officer"], placement.uuid)


def test_scopes_in_sql(world, make_user):
    from qa_app.placements.scopes import placements_visible_to, schools_placeable_by

    mine, _ = _save(world["school_user"], placement_body(world["school"], world["good"]))
    theirs, _ = _save(world["other_user"], placement_body(world["other"], world["good"]))

    def seen(user):
        return set(db.session.scalars(select(Placement.id).where(placements_visible_to(user))))

    assert seen(world["school_user"]) == {mine.id}
    assert seen(world["other_user"]) == {theirs.id}
    assert seen(world["head"]) == {mine.id, theirs.id}
    assert seen(world["officer"]) == set()  # neither school visited, nor their provider
    assert seen(make_user("admin")) == set()
    schools = set(db.session.scalars(select(School.id).where(schools_placeable_by(world["school_user"]))))
    assert schools == {world["school"].id}


def test_if_match_and_conflicts(world):
    body = placement_body(world["school"], world["good"])
    placement, _ = _save(world["school_user"], body)
    key = placement.uuid
    # Nothing changed: no new version.
    assert _save(world["school_user"], body, key, base_version=1)[0].version == 1
    with pytest.raises(VersionRequired):
        _save(world["school_user"], body, key, require_version=True)
    db.session.rollback()
    review = {**REVIEW, "review_date": TODAY.isoformat()}
    placement, created = _save(world["school_user"], {**body, "reviews": [review]}, key, base_version=1)
    assert not created and placement.version == 2 and len(placement.reviews) == 1
    stale = {**body, "objectives": "Mine, from an old copy"}
    with pytest.raises(Conflict) as lost:
        _save(world["school_user"], stale, key, base_version=1)
    db.session.commit()  # the caller commits the kept copy
    kept = db.session.scalar(select(PlacementConflict))
    assert lost.value.kept == kept and kept.base_version == 1 and kept.server_version == 2
    assert kept.payload["objectives"] == "Mine, from an old copy"
    assert db.session.get(Placement, placement.id).objectives != "Mine, from an old copy"


def test_ending_and_replacing_reviews(world):
    body = placement_body(world["school"], world["good"])
    placement, _ = _save(world["school_user"], body)
    reviews = [REVIEW, {**REVIEW, "sessions_attended": 10, "decision": "end"}]
    end = {"date": TODAY.isoformat(), "destination": "home_school_full_time", "pupil_assessment": "Good"}
    placement, _ = _save(
        world["school_user"], {**body, "reviews": reviews, "end": end}, placement.uuid, base_version=1
    )
    assert [r.sessions_attended for r in placement.reviews] == [18, 10]
    assert not placement.is_open and placement.destination == "home_school_full_time"
    placement, _ = _save(
        world["school_user"], {**body, "reviews": reviews[:1]}, placement.uuid, base_version=placement.version
    )
    assert placement.is_open and _count(PlacementReview) == 1


def test_placing_with_a_provider_not_quality_assured(world):
    check = placing_check(world["unknown"], TODAY)
    assert check["status"] == "not_quality_assured" and check["last_visit_date"] is None
    assert "Never visited" in check["reason"] and "not known" in check["reason"]
    assert placing_check(world["good"], TODAY) is None

    # Without SEN support: one full-time SEN pupil would also raise a cross-school escalation.
    body = placement_body(
        world["school"], world["unknown"], pupil_ref="Y9-042", placing_reason="", sen_support=False
    )
    with pytest.raises(Invalid) as refused:
        _save(world["school_user"], body)
    db.session.rollback()
    message = refused.value.fields["placing_reason"]
    assert (
        world["unknown"].name in message and "not quality assured" in message and "never visited" in message
    )
    assert _count(Placement) == _count(OutboxEmail) == 0

    body["placing_reason"] = "Closest provider with a place; we visited it ourselves."
    placement, _ = _save(world["school_user"], body)
    assert placement.provider_status_when_placed == "not_quality_assured"
    email = db.session.scalar(select(OutboxEmail))
    assert set(email.recipients.split(", ")) == {"officer.p@example.org", "head.p@example.org"}
    assert "Riverside Academy" in email.body and "Y9-042" in email.body
    assert world["unknown"].name in email.body and "we visited it ourselves" in email.body
    # Saving it again tells no one again.
    _save(
        world["school_user"],
        {**body, "objectives": "Changed"},
        placement.uuid,
        base_version=placement.version,
    )
    assert _count(OutboxEmail) == 1


def test_an_unregistered_provider_needs_a_reason_even_when_rated(world, make_provider, make_visit):
    provider = make_provider(registration_status="unregistered")
    make_visit(provider, rag="green", reviewer=world["head"])
    check = placing_check(provider, TODAY)
    assert check["status"] == "unregistered" and check["last_visit_date"] == TODAY - timedelta(days=10)


def test_a_suspended_or_expired_provider_needs_a_reason(world):
    good = world["good"]
    assert placing_check(good, TODAY + timedelta(days=400))["status"] == "expired"
    good.suspended_reason = "Open escalation"
    assert placing_check(good, TODAY)["status"] == "suspended"


def test_every_save_says_which_providers_placements_changed(world):
    seen = []

    def receiver(_sender, provider_ids, **_):
        seen.append(provider_ids)

    with signals.placements_changed.connected_to(receiver):
        placement, _ = _save(world["school_user"], placement_body(world["school"], world["good"]))
        body = placement_body(world["school"], world["unknown"], pupil_ref=placement.pupil_ref)
        _save(world["school_user"], body, placement.uuid, base_version=placement.version)
    assert seen == [{world["good"].id}, {world["good"].id, world["unknown"].id}]


def test_the_app_does_not_start_with_a_signal_nobody_receives():
    """A receiver whose module was never imported would fail silently: create_app refuses."""
    from qa_app.placements.cross_school_test import _placements_changed

    signals.check_receivers()
    signals.placements_changed.disconnect(_placements_changed)
    try:
        with pytest.raises(RuntimeError, match="placements-changed"):
            signals.check_receivers()
    finally:
        signals.placements_changed.connect(_placements_changed)
    signals.check_receivers()


@pytest.mark.parametrize(
    ("signal", "receiver", "name"),
    [
        (
            signals.school_visit_placements,
            "qa_app.placements.visit_checks:placements_for",
            "school-visit-placements",
        ),
        (signals.schools_of_concern, "qa_app.placements.school_concerns:concerns_of", "schools-of-concern"),
    ],
)
def test_a_school_visit_and_the_programme_ask_placements_through_signals(signal, receiver, name):
    """Visits stand below placements: they ask for a school visit's placements and for the
    schools of concern through a signal that the placements feature answers, and the app
    will not start without that answer (a school visit would otherwise check nothing)."""
    module, function = receiver.split(":")
    answer = getattr(importlib.import_module(module), function)
    assert answer in list(signal.receivers_for(object()))
    signal.disconnect(answer)
    try:
        with pytest.raises(RuntimeError, match=name):
            signals.check_receivers()
    finally:
        signal.connect(answer)
    signals.check_receivers()
