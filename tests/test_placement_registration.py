"""The registration test across schools (docs/domain.md §2.6): table tests on placements saved
through the real save path, the one escalation per provider it raises, who sees it, and
when it runs again (every save, end or import; publishing rules; the daily command)."""

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from qa_app.escalations.models import Escalation, EscalationEvent
from qa_app.escalations.raising import raise_from_placements
from qa_app.escalations.services import transition
from qa_app.extensions import db
from qa_app.placements import cross_school_test
from qa_app.placements.schemas import PlacementBody
from qa_app.placements.services import save_placement
from qa_app.registration.law import BORDERLINE, LIKELY, NOT_INDICATED
from qa_app.registration.models import RegistrationRules
from qa_app.schemas import read
from tests.factories import placement_body

TODAY = date.today()
RULES_2026_FROM = date(2026, 6, 1)


@pytest.fixture
def world(make_user, make_provider):
    """Three schools with staff, the Head of Access, an officer and a provider of unknown
    registration that the officer looks after."""
    officer = make_user("officer", email="officer.r@example.org")
    head = make_user("head_of_access", email="head.r@example.org")
    staff = [make_user("school", school=name) for name in ("Alder School", "Birch Academy", "Cedar High")]
    provider = make_provider(name="Back Room Tutors", registration_status="not_known", officer_id=officer.id)
    return {"officer": officer, "head": head, "staff": staff, "provider": provider}


def place(world, school_index, hours, provider=None, **fields):
    """Save a placement through save_placement as the school's own staff; returns it."""
    user = world["staff"][school_index]
    fields.setdefault("sen_support", False)
    body = placement_body(user.school, provider or world["provider"], hours_per_week=hours, **fields)
    placement, _ = save_placement(user, str(uuid.uuid4()), read(PlacementBody, body).to_change())
    db.session.commit()
    return placement


def escalations():
    return db.session.scalars(select(Escalation).order_by(Escalation.id)).all()


def result_now(provider, today=TODAY):
    """The test's result for the provider today, without raising anything."""
    version = cross_school_test.rules_in_force(today)
    return cross_school_test.placements_result(
        cross_school_test.open_placements([provider.id], today), version, today
    )


def use_rules(name):
    """Put only this default version in force today (the other is put back into draft)."""
    for version in db.session.scalars(select(RegistrationRules)):
        if version.name == name:
            version.status, version.in_force_from = "published", date(2008, 11, 26)
        else:
            version.status, version.in_force_from = "draft", None
    db.session.commit()


# (schools' pupils as [(school index, hours, fields)], rules, result, limb)
TABLE = [
    pytest.param(
        [(0, 25, {})] * 2 + [(1, 25, {})] * 2 + [(2, 25, {})],
        "2008",
        LIKELY,
        "five_or_more_full_time",
        id="three schools 2+2+1 at 25 hours: likely, five or more full time",
    ),
    pytest.param([(0, 30, {})] * 2 + [(1, 30, {})] * 2, "2008", NOT_INDICATED, None, id="4 at 30 hours"),
    pytest.param(
        [(0, 20, {"looked_after": True})], "2008", LIKELY, "one_pupil_with_status", id="1 looked after at 20"
    ),
    pytest.param(
        [(0, 18, {})] * 3 + [(1, 18, {})] * 2, "2008", BORDERLINE, "five_or_more_full_time", id="5 at 18"
    ),
    pytest.param(
        [(0, 20, {"sen_support": True})], "2026", LIKELY, "one_pupil_with_status", id="2026: 1 SEN at 20"
    ),
    pytest.param(
        [(0, 20, {"sen_support": True})], "2008", NOT_INDICATED, None, id="2008: 1 SEN at 20 is not enough"
    ),
    pytest.param(
        [(0, 25, {"year_group": 12})] * 5, "2008", NOT_INDICATED, None, id="post-16 pupils are not counted"
    ),
]


@pytest.mark.parametrize("pupils, rules, result, limb", TABLE)
def test_the_placements_of_every_school_go_through_the_rules(world, pupils, rules, result, limb):
    """Each row: the schools' open placements give the expected result and limb."""
    use_rules(rules)
    for school_index, hours, fields in pupils:
        place(world, school_index, hours, **fields)
    test = result_now(world["provider"])
    assert (test["result"], test["limb"], test["rule_version"]) == (result, limb, rules)
    raised = escalations()
    assert len(raised) == (0 if result == NOT_INDICATED else 1)
    if raised:
        assert raised[0].source == "placements" and raised[0].test_result["limb"] == limb


def test_a_registered_independent_school_is_never_escalated(world, make_provider):
    """Five full-time pupils at a registered independent school (or an Ofsted-registered
    setting) raise nothing."""
    for status, urn in (("registered_independent", "100001"), ("ofsted_registered", "100002")):
        known = make_provider(registration_status=status, urn=urn)
        for n in range(5):
            place(world, n % 3, 30, provider=known, looked_after=True)
        assert cross_school_test.retest_providers([known.id]) == {}
    assert escalations() == []


def test_ended_placements_are_not_counted(world):
    """Five full-time pupils, one of whom has left: not indicated, and nothing raised."""
    placements = [place(world, n % 3, 25) for n in range(5)]
    assert len(escalations()) == 1
    transition(world["head"], escalations()[0], "under_review", "Looking")
    transition(world["head"], escalations()[0], "no_further_action", "Checked")
    transition(world["head"], escalations()[0], "closed", "Closed", outcome="Fine")
    db.session.commit()
    start = placements[0].start_date
    body = placement_body(
        placements[0].school,
        world["provider"],
        pupil_ref=placements[0].pupil_ref,
        start_date=start.isoformat(),
        hours_per_week=25,
        sen_support=False,
        end={"date": (TODAY - timedelta(days=1)).isoformat(), "destination": "home_school_full_time"},
    )
    change = read(PlacementBody, body).to_change()
    save_placement(world["staff"][0], placements[0].uuid, change, placements[0].version)
    db.session.commit()
    test = result_now(world["provider"])
    assert (test["result"], len(test["full_time"])) == (NOT_INDICATED, 4)
    assert placements[0].school.name + " " + placements[0].pupil_ref not in " ".join(test["explanation"])
    assert [e.state for e in escalations()] == ["closed"]


def test_placements_not_yet_started_are_counted_from_their_start(world):
    """A placement starting next week counts from that day (the daily run finds it)."""
    for n in range(4):
        place(world, n % 3, 25)
    soon = TODAY + timedelta(days=7)
    place(
        world,
        2,
        25,
        start_date=soon.isoformat(),
        planned_end_date=(soon + timedelta(days=90)).isoformat(),
        safeguarding_confirmation_received=TODAY.isoformat(),
    )
    assert escalations() == []
    outcomes = cross_school_test.check_all(soon)
    db.session.commit()
    assert outcomes[world["provider"].id][0]["result"] == LIKELY and len(escalations()) == 1


def test_three_schools_raise_one_escalation_naming_the_placements(world, client, signed_in):
    """2 + 2 + 1 pupils from three schools: ONE escalation, naming the limb and each
    placement by school and reference; the Head of Access sees it, school staff never."""
    placed = [place(world, school, 25) for school in (0, 0, 1, 1, 2)]
    [escalation] = escalations()
    assert escalation.source == "placements" and escalation.provider_id == world["provider"].id
    assert escalation.reported_by_id == world["officer"].id
    assert "Five or more full-time pupils" in escalation.description
    for placement in placed:
        assert f"{placement.school.name}, {placement.pupil_ref}" in escalation.description
    named = {(p["school"], p["pupil_ref"]) for p in escalation.test_result["placements"]}
    assert named == {(p.school.name, p.pupil_ref) for p in placed}
    assert (
        escalation.test_result["limb"] == "five_or_more_full_time" and escalation.test_result["schools"] == 3
    )

    signed_in(world["head"])
    page = client.get("/escalations")
    assert page.status_code == 200 and escalation.reference.encode() in page.data
    shown = client.get(f"/escalations/{escalation.id}")
    assert shown.status_code == 200 and placed[0].pupil_ref.encode() in shown.data
    assert b"Placements across schools" in shown.data and b"Five or more full-time pupils" in shown.data
    pack = client.get(f"/escalations/{escalation.id}/referral-pack.pdf")
    assert pack.status_code == 200 and pack.mimetype == "application/pdf"
    client.post("/logout")
    for user in world["staff"]:
        signed_in(user)
        listing = client.get("/escalations")
        assert listing.status_code in (403, 404) or escalation.reference.encode() not in listing.data
        assert client.get(f"/escalations/{escalation.id}").status_code in (403, 404)
        assert client.get(f"/escalations/{escalation.id}/received").status_code == 404
        assert client.get(f"/escalations/{escalation.id}/referral-pack.pdf").status_code in (403, 404)
        client.post("/logout")


def test_more_saves_add_to_the_open_escalation(world):
    """A sixth pupil adds to the open escalation's history; the same result again adds nothing."""
    for n in range(5):
        place(world, n % 3, 25)
    [escalation] = escalations()
    sixth = place(world, 2, 30)
    assert len(escalations()) == 1
    db.session.refresh(escalation)
    assert sixth.pupil_ref in escalation.test_result["explanation"][0]
    events = db.session.scalars(
        select(EscalationEvent.action).where(EscalationEvent.escalation_id == escalation.id)
    ).all()
    assert events.count("retest") == 1
    cross_school_test.check_all()
    db.session.commit()
    assert (
        db.session.scalar(select(func.count(EscalationEvent.id)).where(EscalationEvent.action == "retest"))
        == 1
    )


def test_with_no_one_on_the_authoritys_side_nothing_is_raised_until_someone_is(world):
    """With no active officer for the provider, no Head of Access and no administrator, the
    test still runs but raises nothing; the next save once a Head of Access exists raises it."""
    for user in (world["officer"], world["head"]):
        user.active = False
    db.session.commit()
    for n in range(5):
        place(world, n % 3, 25)
    assert escalations() == []
    world["head"].active = True
    db.session.commit()
    place(world, 0, 25)
    [raised] = escalations()
    assert raised.reported_by_id == world["head"].id and raised.source == "placements"


def test_a_save_that_changes_no_result_looks_no_one_up(world, monkeypatch):
    """Who would raise the escalation is looked up only when the test's result is news: a
    placement that leaves the result as it was asks for no one."""
    for n in range(5):
        place(world, n % 3, 25)
    [escalation] = escalations()
    asked = []
    real = cross_school_test._reporter

    def counted(provider):
        reporter = real(provider)

        def ask():
            asked.append(provider.id)
            return reporter()

        return ask

    monkeypatch.setattr(cross_school_test, "_reporter", counted)
    place(world, 0, 25, year_group=13)  # over school age: not a pupil the test counts
    events = (
        select(func.count())
        .select_from(EscalationEvent)
        .where(EscalationEvent.escalation_id == escalation.id)
    )
    assert asked == [] and db.session.scalar(events) == 1
    place(world, 1, 25)
    assert asked == [world["provider"].id] and db.session.scalar(events) == 2


def test_a_closed_escalation_lets_a_new_one_be_raised(world):
    """Once the open escalation is closed, the next indicated result raises a new one."""
    for n in range(5):
        place(world, n % 3, 25)
    [first] = escalations()
    for step, reason in (("under_review", "Look"), ("no_further_action", "Seen"), ("closed", "Done")):
        transition(world["head"], first, step, reason, outcome="Registered elsewhere")
    db.session.commit()
    place(world, 1, 25)
    assert [e.state for e in escalations()] == ["closed", "raised"]


def test_two_saves_at_once_make_one_escalation(world):
    """When the lookup misses an escalation a parallel save has just raised, the unique
    index refuses the second and the open one is used."""
    for n in range(5):
        place(world, n % 3, 25)
    [first] = escalations()
    provider = world["provider"]
    result = result_now(provider)
    again = raise_from_placements(
        provider, lambda: world["head"], lambda: ({**result, "placements": []}, "Again"), "Test", today=TODAY
    )
    assert again.id == first.id
    # The race itself: the other save's escalation is not yet visible to this lookup.
    import qa_app.escalations.raising as escalation_services

    real = escalation_services.open_placements_escalation
    calls = []

    def missed_once(provider_id):
        calls.append(provider_id)
        return None if len(calls) == 1 else real(provider_id)

    escalation_services.open_placements_escalation = missed_once
    try:
        raced = raise_from_placements(
            provider, lambda: world["head"], lambda: (result, "Race"), "Test", today=TODAY
        )
    finally:
        escalation_services.open_placements_escalation = real
    db.session.commit()
    assert raced.id == first.id and len(escalations()) == 1 and len(calls) == 2


def test_the_daily_command_is_safe_to_run_again(world, app, monkeypatch):
    """`flask check-placements` tests every provider not known to be registered (here, with
    placements recorded before the test was hung on the save); a second run adds nothing."""
    from qa_app import signals

    with signals.placements_changed.muted():
        for n in range(5):
            place(world, n % 3, 25)
    assert escalations() == []
    runner = app.test_cli_runner()
    first = runner.invoke(args=["check-placements"])
    assert first.exit_code == 0, first.output
    assert "Providers tested: 1; with an open escalation from placements: 1." in first.output
    again = runner.invoke(args=["check-placements"])
    assert again.exit_code == 0 and len(escalations()) == 1
    assert (
        db.session.scalar(select(func.count(EscalationEvent.id)).where(EscalationEvent.action == "retest"))
        == 0
    )


@pytest.mark.parametrize(
    "commenced, raised", [(TODAY - timedelta(days=1), 1), (TODAY + timedelta(days=30), 0)]
)
def test_publishing_rules_in_force_tests_the_placements_again(world, client, signed_in, commenced, raised):
    """An admin publishes rules counting one SEN pupil: if they are in force already, the
    placements are tested at once; rules from a later date wait for the daily run."""
    use_rules("2008")
    place(world, 0, 20, sen_support=True)
    assert escalations() == []
    signed_in("admin")
    draft = db.session.scalar(select(RegistrationRules).where(RegistrationRules.name == "2026"))
    response = client.post(
        f"/admin/registration-rules/{draft.id}/publish",
        data={"in_force_from": [str(commenced.day), str(commenced.month), str(commenced.year)]},
    )
    assert response.status_code == 302
    assert len(escalations()) == raised
    if raised:
        assert escalations()[0].test_result["rule_version"] == "2026"


@pytest.mark.parametrize(
    "day, version", [(RULES_2026_FROM - timedelta(days=1), "2008"), (RULES_2026_FROM, "2026")]
)
def test_the_rules_applied_are_those_in_force_on_the_day(world, day, version):
    """One SEN pupil at 20 hours: not indicated under the 2008 rules the day before 1 June
    2026, likely under the 2026 rules from that day."""
    place(
        world,
        0,
        20,
        sen_support=True,
        start_date="2026-05-01",
        planned_end_date="2026-09-01",
        safeguarding_confirmation_received="2026-04-20",
    )
    test = result_now(world["provider"], day)
    assert test["rule_version"] == version
    assert test["result"] == (LIKELY if version == "2026" else NOT_INDICATED)


def test_no_school_user_sees_placements_escalations_in_any_list(world, client, signed_in):
    """The escalation is casework: school staff get no list, page, pack or count of it."""
    for n in range(5):
        place(world, n % 3, 25)
    [escalation] = escalations()
    from qa_app.escalations.services import visible_query

    for user in world["staff"]:
        assert db.session.scalars(visible_query(user)).all() == []
    assert [e.id for e in db.session.scalars(visible_query(world["head"]))] == [escalation.id]
    assert [e.id for e in db.session.scalars(visible_query(world["officer"]))] == [escalation.id]


def test_two_schools_saving_at_once_raise_one_escalation(app, world, database_url):
    """PostgreSQL, two real transactions: the second save's escalation waits on the unique
    index for the first, then finds it and adds to it. (SQLite lets one writer in at a time.)"""
    import threading
    import time

    from qa_app.auth.models import User

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers: there is no race to lose")
    for n in range(4):
        place(world, n % 3, 25)
    fifth = placement_body(world["staff"][0].school, world["provider"], hours_per_week=25, sen_support=False)
    save_placement(world["staff"][0], str(uuid.uuid4()), read(PlacementBody, fifth).to_change())
    assert len(escalations()) == 1  # raised in this transaction, not yet committed
    other_id, provider_id = world["staff"][1].id, world["provider"].id
    outcome = {}

    def the_other_school():
        with app.app_context():
            user = db.session.get(User, other_id)
            body = placement_body(user.school, provider_id, hours_per_week=30, sen_support=False)
            save_placement(user, str(uuid.uuid4()), read(PlacementBody, body).to_change())
            db.session.commit()
            outcome["escalations"] = db.session.scalar(select(func.count(Escalation.id)))
            db.session.remove()

    thread = threading.Thread(target=the_other_school)
    thread.start()
    time.sleep(2)  # the other save now waits on the unique index
    db.session.commit()
    thread.join(60)
    assert outcome == {"escalations": 1}
    [escalation] = escalations()
    assert len(escalation.test_result["placements"]) == 6


def test_two_schools_saving_at_the_same_moment_are_both_counted(app, world, database_url, monkeypatch):
    """PostgreSQL, two real transactions that have both saved their placement before either
    is tested (barriers hold them there, and then after reading, if both can read): three pupils already placed, and one more from
    each of two schools, make five full-time pupils, and the test raises its escalation."""
    import contextlib
    import threading

    from qa_app.auth.models import User
    from qa_app.placements import services

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers: there is no race to lose")
    for n in range(3):
        place(world, n, 25)
    assert escalations() == []
    ids, provider_id = [world["staff"][0].id, world["staff"][1].id], world["provider"].id
    both_saved = threading.Barrier(2, timeout=30)
    real_changed = services.placements_changed

    def racing_changed(provider_ids):
        both_saved.wait()  # each has flushed its placement; neither has been tested
        real_changed(provider_ids)

    monkeypatch.setattr(services, "placements_changed", racing_changed)
    # Then each reads the open placements and waits for the other to have read them too
    # (unless the other is held back from reading until this one commits: then it goes on).
    both_read = threading.Barrier(2, timeout=5)
    real_open = cross_school_test.open_placements

    def racing_open(*args):
        found = real_open(*args)
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait()
        return found

    monkeypatch.setattr(cross_school_test, "open_placements", racing_open)
    errors = []

    def save_at(user_id):
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                body = placement_body(user.school, provider_id, hours_per_week=25, sen_support=False)
                save_placement(user, str(uuid.uuid4()), read(PlacementBody, body).to_change())
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save_at, args=(user_id,)) for user_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    db.session.expire_all()
    [escalation] = escalations()
    assert len(escalation.test_result["placements"]) == 5
