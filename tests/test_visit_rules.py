"""The rules of a visit, tested on the services without HTTP: what save_visit accepts and
refuses, who may change a visit, submission, sign-off and return."""

import uuid
from datetime import date, timedelta

import pytest

from qa_app.domain import Conflict, Forbidden, Invalid, Locked, NotFound, VersionRequired
from qa_app.extensions import db
from qa_app.framework.services import current_version
from qa_app.visits.models import Action, Visit, VisitConflict, VisitEvent
from qa_app.visits.services import (
    NO_EVIDENCE,
    NOT_JUDGED,
    blocker_groups,
    blocker_list,
    return_to_officer,
    sign_off,
    submission_blockers,
)
from tests.factories import INSUFFICIENT_REASON, ratings_for, save, visit_body

YESTERDAY = date.today() - timedelta(days=1)


@pytest.fixture
def officer(make_user):
    return make_user("officer")


@pytest.fixture
def head(head_of_access):
    return head_of_access()


@pytest.fixture
def provider(make_provider, officer):
    return make_provider(officer_id=officer.id)


def new_uuid():
    return str(uuid.uuid4())


def rule_errors(user, visit_uuid, body, **kwargs):
    """The field errors save_visit refuses this body with (it must refuse it); the session
    is rolled back as a caller does, so only what was committed remains."""
    with pytest.raises(Invalid) as refused:
        save(user, visit_uuid, body, **kwargs)
    db.session.rollback()
    return refused.value.fields


def stored(visit_uuid):
    return db.session.scalar(db.select(Visit).where(Visit.uuid == visit_uuid))


# -- what a body may say -------------------------------------------------------------------


@pytest.mark.parametrize("rating", ["partly_met", "not_met", "not_seen"])
def test_evidence_is_required_for_anything_but_met(officer, provider, rating):
    """A judgement other than met needs evidence; the error names the judgement's field."""
    body = visit_body(provider, YESTERDAY, {"QE1": "met", "QE2": rating})
    visit_uuid = new_uuid()
    errors = rule_errors(officer, visit_uuid, body)
    assert list(errors) == ["judgements[1].evidence"]
    assert "Enter the evidence for QE2" in errors["judgements[1].evidence"]
    assert stored(visit_uuid) is None


def test_met_needs_no_evidence(officer, provider):
    """Met with no evidence is saved as it is."""
    visit, created = save(officer, new_uuid(), visit_body(provider, YESTERDAY, {"QE1": "met"}))
    assert created and [(j.criterion.code, j.rating, j.evidence) for j in visit.judgements] == [
        ("QE1", "met", "")
    ]


def test_unknown_criterion_is_refused(officer, provider):
    """A criterion the visit's framework version does not have is an error on that judgement."""
    body = visit_body(provider, YESTERDAY, {"QE1": "met", "ZZ9": "met"})
    errors = rule_errors(officer, new_uuid(), body)
    assert errors == {"judgements[1].criterion": "ZZ9 is not a criterion of framework 2025-2026"}


def test_framework_version_is_fixed_once_the_visit_is_started(officer, provider):
    """An update naming another framework version is refused; naming the same one is fine."""
    visit_uuid = new_uuid()
    body = visit_body(provider, YESTERDAY, {"QE1": "met"}, framework_version="2025-2026")
    visit, _ = save(officer, visit_uuid, body)
    db.session.commit()
    errors = rule_errors(officer, visit_uuid, {**body, "framework_version": "2026-2027"}, base_version=1)
    assert list(errors) == ["framework_version"]
    visit, created = save(officer, visit_uuid, {**body, "strengths": "Calm"}, base_version=visit.version)
    assert not created and visit.framework_version.name == "2025-2026"


def test_a_new_visit_needs_a_framework_version_in_force(officer, provider):
    """A version that is not published is refused when the visit is started."""
    body = visit_body(provider, YESTERDAY, {}, framework_version="1999-2000")
    assert list(rule_errors(officer, new_uuid(), body)) == ["framework_version"]


def test_provider_cannot_change(officer, provider, make_provider):
    """A visit stays with the provider it was started for."""
    visit_uuid = new_uuid()
    body = visit_body(provider, YESTERDAY, {})
    visit, _ = save(officer, visit_uuid, body)
    db.session.commit()
    other = make_provider()
    errors = rule_errors(officer, visit_uuid, {**body, "provider_id": other.id}, base_version=visit.version)
    assert errors == {"provider_id": "A visit cannot move to another provider"}
    assert stored(visit_uuid).provider_id == provider.id


def test_provider_must_be_on_the_register(officer):
    """A provider id that is not on the register is an error."""
    errors = rule_errors(officer, new_uuid(), visit_body(999_999, YESTERDAY, {}))
    assert errors == {"provider_id": "is not a provider on the register"}


@pytest.mark.parametrize(
    "due, refused",
    [(YESTERDAY - timedelta(days=1), True), (YESTERDAY, False), (YESTERDAY + timedelta(days=30), False)],
)
def test_action_cannot_be_due_before_the_visit_date(officer, provider, due, refused):
    """An action may be due on the visit date or later, never before it."""
    action = {"description": "Update the SCR", "owner": "provider", "due": due.isoformat()}
    body = visit_body(provider, YESTERDAY, {}, actions=[action])
    if refused:
        assert rule_errors(officer, new_uuid(), body) == {
            "actions[0].due": "An action cannot be due before the visit date"
        }
    else:
        visit, _ = save(officer, new_uuid(), body)
        assert [(a.description, a.due) for a in visit.actions] == [("Update the SCR", due)]


def test_a_future_visit_can_be_a_draft_but_cannot_be_submitted(officer, provider):
    """A visit dated tomorrow may be saved as a draft (planned) but not submitted."""
    tomorrow = date.today() + timedelta(days=1)
    body = visit_body(provider, tomorrow, ratings_for("green"))
    save(officer, new_uuid(), body)
    errors = rule_errors(officer, new_uuid(), {**body, "status": "submitted"})
    assert errors == {"visit_date": "A visit in the future cannot be submitted: check the visit date"}


def test_uuid_must_be_a_uuid(officer, provider):
    """A visit is addressed by a UUID the client made; anything else is a payload error."""
    with pytest.raises(Invalid) as refused:
        save(officer, "not-a-uuid", visit_body(provider, YESTERDAY, {}))
    assert refused.value.fields == {"uuid": "must be a UUID"}


# -- submitting ----------------------------------------------------------------------------


def test_unjudged_criteria_block_submission(officer, provider):
    """Every active criterion must be judged before a visit is submitted."""
    ratings = ratings_for("green")
    del ratings["SG2"], ratings["HS1"]
    errors = rule_errors(officer, new_uuid(), visit_body(provider, YESTERDAY, ratings, status="submitted"))
    assert set(errors) == {"criterion.SG2", "criterion.HS1"}
    assert errors["criterion.SG2"].startswith("Judge SG2: ")


def insufficient_ratings():
    """Every criterion judged, with the Quality of education theme mostly not seen."""
    ratings = ratings_for("green")
    qe = [c.code for c in current_version().criteria_by_theme()["QE"]]
    ratings.update({code: "not_seen" for code in qe})
    return ratings, {code: "Lead absent" for code in qe}


def test_insufficient_evidence_blocks_submission_without_a_reason(officer, provider):
    """A theme with insufficient evidence needs a reason before the visit is submitted."""
    ratings, evidence = insufficient_ratings()
    body = visit_body(provider, YESTERDAY, ratings, evidence, status="submitted")
    errors = rule_errors(officer, new_uuid(), body)
    assert list(errors) == ["insufficient_reasons.QE"]
    visit, _ = save(officer, new_uuid(), {**body, "insufficient_reasons": {"QE": INSUFFICIENT_REASON}})
    assert visit.status == "submitted" and visit.submitted_at is not None
    assert visit.theme_rags["QE"]["insufficient_evidence"]


def test_submitting_records_the_submission(officer, provider):
    """A submitted visit is stamped and its history says who submitted it."""
    visit_uuid = new_uuid()
    body = visit_body(provider, YESTERDAY, ratings_for("amber"), {"QE1": "Tracker out of date"})
    visit, _ = save(officer, visit_uuid, body)
    visit, _ = save(officer, visit_uuid, {**body, "status": "submitted"}, base_version=visit.version)
    db.session.commit()
    events = db.session.scalars(db.select(VisitEvent).where(VisitEvent.visit_id == visit.id)).all()
    assert [(e.action, e.user_id) for e in events] == [("create", officer.id), ("submit", officer.id)]
    assert visit.status == "submitted" and visit.overall_rag == "amber"


@pytest.mark.parametrize("status", ["submitted", "signed_off"])
def test_a_submitted_or_signed_off_visit_is_locked(make_visit, officer, provider, status):
    """Once submitted, a visit cannot be changed by its officer, even with the right version."""
    visit = make_visit(provider, status=status, officer=officer)
    body = visit_body(provider, visit.visit_date, ratings_for("green"), strengths="Changed")
    with pytest.raises(Locked):
        save(officer, visit.uuid, body, base_version=visit.version)
    db.session.rollback()
    assert stored(visit.uuid).strengths == "" and stored(visit.uuid).status == status


# -- versions and who may change a visit -------------------------------------------------


def test_a_stale_version_is_a_conflict_and_the_losing_copy_is_kept(officer, provider):
    """Saving from an old version is refused; the losing copy is kept for the officer."""
    visit_uuid = new_uuid()
    body = visit_body(provider, YESTERDAY, {"QE1": "met"})
    visit, _ = save(officer, visit_uuid, body)
    visit, _ = save(officer, visit_uuid, {**body, "strengths": "First tab"}, base_version=visit.version)
    db.session.commit()
    assert visit.version == 2
    losing = {**body, "strengths": "Second tab"}
    with pytest.raises(Conflict) as refused:
        save(officer, visit_uuid, losing, base_version=1)
    db.session.commit()  # the caller keeps the conflict
    conflict = db.session.scalar(db.select(VisitConflict))
    assert refused.value.kept.id == conflict.id
    assert (conflict.user_id, conflict.base_version, conflict.server_version) == (officer.id, 1, 2)
    assert conflict.payload["strengths"] == "Second tab"
    assert stored(visit_uuid).strengths == "First tab"


def test_an_update_must_say_which_version_it_changes(officer, provider):
    """An update without a version is refused, unless the caller says none is needed."""
    visit_uuid = new_uuid()
    body = visit_body(provider, YESTERDAY, {})
    save(officer, visit_uuid, body)
    with pytest.raises(VersionRequired):
        save(officer, visit_uuid, {**body, "strengths": "Calm"})
    visit, created = save(officer, visit_uuid, {**body, "strengths": "Calm"}, require_version=False)
    assert not created and visit.strengths == "Calm"


@pytest.mark.parametrize(
    "role, error",
    [("head_of_access", Forbidden), ("officer", NotFound), ("school", NotFound)],
)
def test_only_the_visits_officer_changes_it(make_user, officer, provider, role, error):
    """The Head of Access may read a visit but not change it; anyone else cannot find it."""
    visit_uuid = new_uuid()
    body = visit_body(provider, YESTERDAY, {})
    visit, _ = save(officer, visit_uuid, body)
    db.session.commit()
    with pytest.raises(error):
        save(make_user(role), visit_uuid, {**body, "strengths": "Not mine"}, base_version=visit.version)
    db.session.rollback()
    assert stored(visit_uuid).strengths == ""


@pytest.mark.parametrize("role, may_create", [("officer", True), ("head_of_access", True), ("school", False)])
def test_who_may_start_a_visit(make_user, provider, role, may_create):
    """Officers and the Head of Access start visits; a school user cannot."""
    body = visit_body(provider, YESTERDAY, {})
    if may_create:
        visit, created = save(make_user(role), new_uuid(), body)
        assert created and visit.status == "draft"
    else:
        with pytest.raises(NotFound):
            save(make_user(role), new_uuid(), body)


def test_a_returned_visit_can_be_changed_and_submitted_again(make_visit, officer, provider, head):
    """A visit returned to its officer is editable again and can be resubmitted."""
    visit = make_visit(provider, rag="amber", status="returned", officer=officer, reviewer=head)
    assert visit.status == "returned" and visit.return_comment
    body = visit_body(
        provider,
        visit.visit_date,
        ratings_for("amber"),
        {"QE1": "The tracker was last updated in June; sampled three pupils."},
    )
    visit, _ = save(officer, visit.uuid, body, base_version=visit.version)
    assert visit.status == "returned"
    visit, _ = save(officer, visit.uuid, {**body, "status": "submitted"}, base_version=visit.version)
    assert visit.status == "submitted"
    assert visit.judgements[0].evidence.startswith("The tracker")


# -- sign-off and return -----------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "returned", "signed_off"])
def test_only_a_submitted_visit_is_signed_off(make_visit, officer, provider, head, status):
    """Sign-off is from submitted only; anything else is locked and unchanged."""
    visit = make_visit(provider, status=status, officer=officer, reviewer=head)
    with pytest.raises(Locked):
        sign_off(head, visit)
    assert visit.status == status


@pytest.mark.parametrize("status", ["draft", "returned", "signed_off"])
def test_only_a_submitted_visit_is_returned(make_visit, officer, provider, head, status):
    """Return is from submitted only."""
    visit = make_visit(provider, status=status, officer=officer, reviewer=head)
    with pytest.raises(Locked):
        return_to_officer(head, visit, "Please add evidence")
    assert visit.status == status


@pytest.mark.parametrize("comment", ["", "   ", None])
def test_return_needs_a_comment(make_visit, officer, provider, head, comment):
    """The Head of Access must say what needs to change; the visit stays submitted."""
    visit = make_visit(provider, status="submitted", officer=officer)
    with pytest.raises(Invalid) as refused:
        return_to_officer(head, visit, comment)
    assert list(refused.value.fields) == ["comment"] and visit.status == "submitted"


def test_return_records_the_comment(make_visit, officer, provider, head):
    """A returned visit carries the comment, and its history says who returned it and why."""
    visit = make_visit(provider, status="submitted", officer=officer)
    return_to_officer(head, visit, "  Add evidence for QE1  ")
    db.session.commit()
    assert (visit.status, visit.return_comment) == ("returned", "Add evidence for QE1")
    event = db.session.scalars(db.select(VisitEvent).where(VisitEvent.visit_id == visit.id)).all()[-1]
    assert (event.action, event.user_id, event.comment) == ("return", head.id, "Add evidence for QE1")


def test_sign_off_closes_actions_marked_done_and_rates_the_provider(make_visit, officer, provider, head):
    """Signing off applies the officer's outcomes for the earlier visit's actions and puts
    this visit's rating on the register; until then the earlier rating stands."""
    due = (date.today() + timedelta(days=30)).isoformat()
    first = make_visit(
        provider,
        rag="amber",
        days_ago=200,
        officer=officer,
        reviewer=head,
        actions=[
            {"description": "Update the SCR", "owner": "provider", "due": due},
            {"description": "Log a fire drill", "owner": "provider", "due": due},
        ],
    )
    done, not_done = sorted(first.actions, key=lambda a: a.position)
    assert (provider.rating_rag, provider.rated_visit_id) == ("amber", first.id)

    second = make_visit(
        provider,
        rag="green",
        days_ago=5,
        status="submitted",
        officer=officer,
        action_outcomes={str(done.id): "done", str(not_done.id): "not_done"},
    )
    db.session.refresh(done)
    assert done.status == "open" and provider.rating_rag == "amber"  # not yet signed off

    sign_off(head, second)
    db.session.commit()
    done, not_done = db.session.get(Action, done.id), db.session.get(Action, not_done.id)
    assert (done.status, done.closed_by_visit_id) == ("done", second.id)
    assert (not_done.status, not_done.closed_by_visit_id) == ("open", None)
    assert (provider.rating_rag, provider.rated_visit_id) == ("green", second.id)
    assert provider.rating_visit_date == second.visit_date
    assert (second.status, second.signed_off_by_id) == ("signed_off", head.id)
    assert second.signed_off_at is not None
    event = db.session.scalars(db.select(VisitEvent).where(VisitEvent.visit_id == second.id)).all()[-1]
    assert (event.action, event.user_id) == ("sign_off", head.id)


# -- blockers, grouped for check answers ---------------------------------------------------


def test_blockers_are_grouped_by_theme_after_the_visit_details(officer, provider):
    """A draft dated in the future, Health and Safety not judged and Quality of Education
    mostly not seen: the details first, then the themes in framework order, one line each."""
    ratings, evidence = insufficient_ratings()
    hs = [c.code for c in current_version().criteria_by_theme()["HS"]]
    for code in hs:
        del ratings[code]
    visit, _ = save(
        officer, new_uuid(), visit_body(provider, date.today() + timedelta(days=3), ratings, evidence)
    )
    blockers = submission_blockers(visit)
    assert blocker_groups(visit.framework_version, blockers) == [
        {
            "theme": None,
            "title": "Visit details",
            "summary": "Visit details: the visit date is in the future",
            "keys": ["visit_date"],
        },
        {
            "theme": "QE",
            "title": "Quality of Education",
            "summary": "Quality of Education: insufficient evidence, record why",
            "keys": ["insufficient_reasons.QE"],
        },
        {
            "theme": "HS",
            "title": "Health and Safety",
            "summary": "Health and Safety: 8 criteria not judged",
            "keys": [f"criterion.{code}" for code in hs],
        },
    ]
    listed = blocker_list(visit.framework_version, blockers)
    assert [(b["theme"], b["key"]) for b in listed] == [("HS", f"criterion.{c}") for c in hs] + [
        ("QE", "insufficient_reasons.QE"),
        (None, "visit_date"),
    ]
    assert [b["message"] for b in listed] == list(blockers.values())


def test_a_group_counts_each_kind_of_blocker(app):
    """Judgements missing, evidence missing (one and many) and a missing reason, in one line."""
    version = current_version()
    sg3 = next(c for c in version.active_criteria() if c.code == "SG3")
    blockers = {
        "criterion.SG3": NOT_JUDGED.format(code="SG3", text=sg3.text),
        "criterion.SG5": NO_EVIDENCE.format(code="SG5"),
        "criterion.SG6": NO_EVIDENCE.format(code="SG6"),
        "insufficient_reasons.SG": "Safeguarding has insufficient evidence: record why before submitting",
        "criterion.LM1": NO_EVIDENCE.format(code="LM1"),
    }
    assert [g["summary"] for g in blocker_groups(version, blockers)] == [
        "Safeguarding: 1 criterion not judged, 2 criteria need evidence, insufficient evidence, record why",
        "Leadership and Management: 1 criterion needs evidence",
    ]
    assert blocker_groups(version, {}) == []


def test_missing_evidence_about_to_be_saved_is_a_blocker_of_its_own_kind(officer, provider):
    """submission_blockers on judgements about to be saved: evidence missing is told apart."""
    visit, _ = save(officer, new_uuid(), visit_body(provider, YESTERDAY, ratings_for("green")))
    judged = {code: ("met", "") for code in ratings_for("green")} | {"PD2": ("partly_met", "")}
    blockers = submission_blockers(visit, judged=judged)
    assert blockers == {"criterion.PD2": "Enter the evidence for PD2"}
    assert blocker_groups(visit.framework_version, blockers)[0]["summary"] == (
        "Personal Development and Behaviour: 1 criterion needs evidence"
    )
