"""Factories for tests: fixtures that return callables, each going through the app's real
services, so test data obeys the same rules as data made through the app.

Every visit the tests make or change is saved through `save()` below, the one place the
tests call the save path.
"""

import itertools
import re
import uuid as uuid_module
from datetime import date, timedelta

import pytest

from qa_app.auth.services import create_user
from qa_app.escalations.raising import report_concern
from qa_app.escalations.services import transition
from qa_app.extensions import db
from qa_app.framework.services import current_version
from qa_app.placements.schemas import PlacementBody
from qa_app.placements.services import save_placement
from qa_app.providers.models import Provider
from qa_app.providers.services import save_provider
from qa_app.schemas import read
from qa_app.schemas import read as read_placement
from qa_app.submission.services import save as submit_save
from qa_app.visits.provider_rating import refresh_rating
from qa_app.visits.schemas import VisitBody
from qa_app.visits.services import return_to_officer, sign_off

PASSWORD = "correct-horse-battery"
VISIT_STATUSES = ("draft", "submitted", "returned", "signed_off")
RAG_RATINGS = {
    # Judgement patterns that give each overall RAG under the default rules.
    "green": {},
    "amber": {"QE1": "partly_met"},
    "red": {"SG1": "not_met"},
}
INSUFFICIENT_REASON = "The lead was absent on the day; evidence is to be seen at the next visit."
RETURN_COMMENT = "Add the evidence you saw for the partly met criteria."

_counter = itertools.count(1)


def save(user, visit_uuid, body, base_version=None, require_version=True):
    """Save a visit body as `user` through the real save path (the API's: the body read as
    VisitBody, then submission.services.save; a losing copy is kept as sent); returns
    (visit, created)."""
    change = read(VisitBody, body).to_change()
    return submit_save(user, visit_uuid, change, base_version, require_version, kept_copy=lambda stored: body)


def ratings_for(rag="green", version=None):
    """Every active criterion judged, in the pattern that gives this overall RAG."""
    version = version or current_version()
    ratings = {c.code: "met" for c in version.active_criteria()}
    ratings.update(RAG_RATINGS[rag])
    return ratings


def visit_body(provider, visit_date, ratings, evidence=None, status="draft", **fields):
    """A visit body as the API takes it (docs/domain.md §3).

    `ratings` is {criterion code: rating}; `evidence` {code: text}. Other fields (strengths,
    theme_notes, actions with ISO `due` dates, ...) are passed through as they are.
    """
    evidence = evidence or {}
    return {
        "provider_id": provider.id if isinstance(provider, Provider) else provider,
        "visit_date": visit_date.isoformat(),
        "status": status,
        "judgements": [
            {"criterion": code, "rating": rating, "evidence": evidence.get(code, "")}
            for code, rating in ratings.items()
        ],
        **fields,
    }


def submit(user, visit, body, insufficient_reason=INSUFFICIENT_REASON):
    """Submit a saved visit with this body, giving a reason for any theme with insufficient
    evidence that has none (a rule of submission); returns the visit."""
    reasons = dict(body.get("insufficient_reasons") or {})
    for code, rating in visit.theme_rags.items():
        if rating["insufficient_evidence"]:
            reasons.setdefault(code, insufficient_reason)
    body = {**body, "status": "submitted", "insufficient_reasons": reasons}
    visit, _ = save(user, visit.uuid, body, base_version=visit.version)
    return visit


def new_user(role="officer", email=None, name=None, school=None, active=True, provider=None):
    """A user made through create_user (password PASSWORD); flushed, not committed. Provider
    staff belong to `provider` (a Provider), or to a new provider of their own."""
    n = next(_counter)
    if role == "school" and school is None:
        school = "Test Academy"
    if role == "provider" and provider is None:
        provider = save_provider(Provider(), provider_data(name=f"Staff's Provider {n}"))
        db.session.flush()
    return create_user(
        email or f"{role}{n}@example.org",
        name or f"{role.title()} {n}",
        role,
        PASSWORD,
        school_name=school,
        active=active,
        provider_id=provider.id if provider is not None else None,
    )


def provider_data(**overrides):
    """Valid provider form data; override any field."""
    n = next(_counter)
    data = {
        "name": f"Provider {n}",
        "address": f"{n} High Street, Riverside",
        "postcode": "BR1 1AA",
        "borough": "Riverside",
        "contact_name": "Alex Morgan",
        "contact_email": "office@provider.example.org",
        "contact_phone": "020 7946 0000",
        "registration_status": "not_known",
        "urn": "",
        "services": ["ks4", "semh"],
        "notes": "Internal: lead has left.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_user(app):
    """make_user(role="officer", email=None, name=None, school=None, active=True, provider=None)
    -> a committed user (password PASSWORD); provider staff of `provider` or a new one."""

    def _make(role="officer", **fields):
        user = new_user(role, **fields)
        db.session.commit()
        return user

    return _make


@pytest.fixture
def make_provider(app):
    """make_provider(**fields) -> a committed provider saved through the provider form's service."""

    def _make(**overrides):
        provider = save_provider(Provider(), provider_data(**overrides))
        refresh_rating(provider)
        db.session.commit()
        return provider

    return _make


@pytest.fixture
def head_of_access(make_user):
    """head_of_access() -> the Head of Access who reviews the test's visits (made once)."""
    made = []

    def _get():
        if not made:
            made.append(make_user("head_of_access"))
        return made[0]

    return _get


@pytest.fixture
def make_visit(app, make_user, head_of_access):
    """make_visit(provider, rag="green", days_ago=10, status="signed_off", officer=None,
    ratings=None, ...) -> a committed visit made the way the app makes one.

    The officer saves a draft; for any later status they submit it, and the Head of Access
    (`reviewer`, or the test's one) signs it off or returns it. Non-met judgements get
    evidence unless `evidence` is given. Other keyword arguments are visit body fields
    (strengths, theme_notes, pupil_voice, actions, action_outcomes, ...).
    """

    def _make(
        provider,
        rag="green",
        days_ago=10,
        status="signed_off",
        officer=None,
        ratings=None,
        evidence=None,
        reviewer=None,
        return_comment=RETURN_COMMENT,
        visit_uuid=None,
        **fields,
    ):
        if status not in VISIT_STATUSES:
            raise ValueError(f"status must be one of {VISIT_STATUSES}")
        officer = officer or make_user("officer")
        if ratings is None:
            ratings = ratings_for(rag)
        if evidence is None:
            evidence = {code: "Evidence seen" for code, rating in ratings.items() if rating != "met"}
        body = visit_body(provider, date.today() - timedelta(days=days_ago), ratings, evidence, **fields)
        visit, _ = save(officer, visit_uuid or str(uuid_module.uuid4()), body)
        if status != "draft":
            visit = submit(officer, visit, body)
        if status == "signed_off":
            sign_off(reviewer or head_of_access(), visit)
        elif status == "returned":
            return_to_officer(reviewer or head_of_access(), visit, return_comment)
        db.session.commit()
        return visit

    return _make


# The path from "raised" to each state, with what each step needs.
ESCALATION_PATHS = {
    "raised": (),
    "under_review": ("under_review",),
    "no_further_action": ("under_review", "no_further_action"),
    "monitoring": ("under_review", "monitoring"),
    "referred_to_director": ("under_review", "referred_to_director"),
    "reported_to_ofsted": ("under_review", "referred_to_director", "reported_to_ofsted"),
    "closed": ("under_review", "no_further_action", "closed"),
}


def step_fields(to_state, today=None):
    """What a transition to this state needs besides a reason, filled in sensibly."""
    today = today or date.today()
    return {
        "monitoring": {"review_date": today + timedelta(days=30)},
        "reported_to_ofsted": {"ofsted_date": today, "ofsted_reference": "OFS-2026-0042"},
        "closed": {"outcome": "The provider registered with Ofsted."},
    }.get(to_state, {})


@pytest.fixture
def make_escalation(app, make_user, head_of_access):
    """make_escalation(provider=None, state="raised", reporter=None, **fields) -> a committed
    escalation reported through report_concern and moved to `state` by the Head of Access
    through transition()."""

    def _make(provider=None, state="raised", reporter=None, reviewer=None, days_ago=0, **fields):
        data = {
            "address": f"{provider.address}, {provider.postcode}" if provider else "Rear of 41 Station Road",
            "description": "Pupils seen arriving at 9 and leaving at 3 on weekdays.",
            "how_known": "A parent told the school",
            "provider_id": provider.id if provider else None,
            **fields,
        }
        today = date.today() - timedelta(days=days_ago)
        escalation = report_concern(reporter or make_user("officer"), data, today=today)
        for to_state in ESCALATION_PATHS[state]:
            transition(
                reviewer or head_of_access(),
                escalation,
                to_state,
                f"Moving to {to_state}",
                **step_fields(to_state),
            )
        db.session.commit()
        return escalation

    return _make


def placement_body(school, provider, **overrides):
    """A valid placement body as the API takes it (docs/domain.md §3); override any field."""
    n = next(_counter)
    start = date.today() - timedelta(days=30)
    body = {
        "school_id": getattr(school, "id", school),
        "pupil_ref": f"Y10-{n:03d}",
        "year_group": 10,
        "ehc_plan": False,
        "sen_support": True,
        "looked_after": False,
        "provider_id": getattr(provider, "id", provider),
        "commissioned_by": "school",
        "reason": "at_risk_of_exclusion",
        "start_date": start.isoformat(),
        "planned_end_date": (start + timedelta(days=100)).isoformat(),
        "days_per_week": 5,
        "hours_per_week": 25,
        "part_time": False,
        "attendance_code": "B",
        "safeguarding_confirmation_received": (start - timedelta(days=5)).isoformat(),
        "objectives": "Return to the home school full time by Easter.",
        "placing_reason": "The only provider with a place for a pupil with these needs.",
        "reviews": [],
        "end": None,
    }
    body.update(overrides)
    return body


@pytest.fixture
def make_placement(app, make_user, head_of_access):
    """make_placement(school, provider, user=None, **body fields) -> a committed placement
    saved through placements.services.save_placement (by the Head of Access, who may place
    for any school, unless `user` is given)."""

    def _make(school, provider, user=None, placement_uuid=None, **overrides):
        change = read_placement(PlacementBody, placement_body(school, provider, **overrides)).to_change()
        placement, _ = save_placement(
            user or head_of_access(), placement_uuid or str(uuid_module.uuid4()), change
        )
        db.session.commit()
        return placement

    return _make


def referral_change(**overrides):
    """A ReferralChange that holds everything a good referral needs; override any field."""
    from qa_app.referrals.rules import ReferralChange

    n = next(_counter)
    values = {
        "pupil_ref": f"GW-{n:03d}",
        "year_group": 9,
        "sen_support": True,
        "asked_for": "outreach",
        "needs": "Anxiety and anger in lessons; struggles with change.",
        "what_has_happened": "Two suspensions this term; attendance 71%.",
        "isat_involved": True,
        "ep_assessment": "commitment",
        "caf": "opened",
        "senco_involved": True,
        "interventions": "Daily check-in with a key adult; a reduced timetable for two weeks; a mentor.",
    }
    values.update(overrides)
    return ReferralChange(**values)


@pytest.fixture
def make_referral(app, make_user):
    """make_referral(school_user=None, send=True, **ReferralChange fields) -> a committed
    referral saved (and sent, unless send=False) through referrals.services.save_referral."""
    from qa_app.referrals.services import save_referral

    def _make(school_user=None, send=True, **overrides):
        user = school_user or make_user("school")
        referral = save_referral(user, None, referral_change(**overrides), send=send, spoc="the SPOC")
        db.session.commit()
        return referral

    return _make


@pytest.fixture
def make_school_visit(app, make_user, head_of_access):
    """make_school_visit(school, status="signed_off", days_ago=10, officer=None, ratings=None,
    answer_checks="yes", ...) -> a committed school visit (docs/domain.md §2.7) made the way the app
    makes one: its officer (the school's link officer, made one if it has none) saves a
    draft under the school visits' framework; for a later status every placement check is
    answered `answer_checks` (none when it is empty) and it is submitted, then signed off or
    returned by the Head of Access. Other keyword arguments are visit body fields."""
    from qa_app.framework.services import load_default_framework
    from qa_app.visits.school_placements import checks_needed, placements_to_check

    def _make(
        school,
        status="signed_off",
        days_ago=10,
        officer=None,
        ratings=None,
        answer_checks="yes",
        reviewer=None,
        visit_uuid=None,
        **fields,
    ):
        version = load_default_framework("school")
        if officer is None:
            officer = school.officer or make_user("officer")
        if school.officer_id is None:
            school.officer = officer
            db.session.commit()
        ratings = ratings if ratings is not None else {c.code: "met" for c in version.active_criteria()}
        body = {
            "school_id": school.id,
            "visit_date": (date.today() - timedelta(days=days_ago)).isoformat(),
            "judgements": [
                {"criterion": code, "rating": rating, "evidence": "" if rating == "met" else "Evidence seen"}
                for code, rating in ratings.items()
            ],
            **fields,
        }
        visit, _ = save(officer, visit_uuid or str(uuid_module.uuid4()), body)
        if status != "draft":
            if answer_checks:
                body["placement_checks"] = {
                    p["uuid"]: dict.fromkeys(checks_needed(p), answer_checks)
                    for p in placements_to_check(visit)
                }
            visit = submit(officer, visit, body)
        if status == "signed_off":
            sign_off(reviewer or head_of_access(), visit)
        elif status == "returned":
            return_to_officer(reviewer or head_of_access(), visit, RETURN_COMMENT)
        db.session.commit()
        return visit

    return _make


def clear_outbox():
    """Forget the emails a fixture wrote while setting up (a visit's sign-off notice to its
    officer, say), so that a test reads only the emails it causes."""
    from sqlalchemy import delete

    from qa_app.notifications.models import OutboxEmail, OutboxRecipient

    db.session.execute(delete(OutboxRecipient))
    db.session.execute(delete(OutboxEmail))
    db.session.commit()


def version_on_page(client, url, form_action=None):
    """The version a form on the page at `url` carries (the first form's, or the one
    posting to `form_action`), as a user opening the page gets it."""
    page = client.get(url).data.decode()
    if form_action is not None:
        page = page[page.index(f'action="{form_action}"') :]
    match = re.search(r'name="version"[^>]*value="([^"]*)"', page) or re.search(
        r'value="([^"]*)"[^>]*name="version"', page
    )
    assert match, f"no version on {url}"
    return match.group(1)
