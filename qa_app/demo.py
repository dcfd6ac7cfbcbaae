"""Demo data: a realistic authority with providers in every QA status and RAG.

Deterministic (a fixed random seed) and idempotent: seed() does nothing when the
demo users already exist. Its dates and photos are in demo_timeline.
"""

import random
import uuid
from datetime import date, timedelta

from sqlalchemy import select

from qa_app.alerts.services import raise_morning_alerts
from qa_app.auth.models import User
from qa_app.auth.services import create_user
from qa_app.demo_marks import add_marks
from qa_app.demo_placements import add_placements, add_schools
from qa_app.demo_provider_records import seed_provider_records
from qa_app.demo_providers import add_provider_staff
from qa_app.demo_referrals import add_referrals
from qa_app.demo_school_visits import add_school_visits, link_officers
from qa_app.demo_timeline import add_photos, date_escalation, date_visit, working_day
from qa_app.escalations.models import Escalation
from qa_app.escalations.services import report_concern, transition
from qa_app.extensions import db
from qa_app.framework.services import load_default_framework
from qa_app.providers.models import Provider
from qa_app.providers.services import save_provider
from qa_app.registration.services import load_default_rules
from qa_app.submission.services import save as save_visit
from qa_app.visits.provider_rating import refresh_rating
from qa_app.visits.schemas import VisitBody, read
from qa_app.visits.services import previous_open_actions, return_to_officer, sign_off

DEMO_PASSWORD = "demo-password-1"
INSUFFICIENT_REASON = "The lead was absent on the day; the records are to be seen at the next visit."
DEMO_USERS = (
    ("officer@example.org", "officer"),
    ("head@example.org", "head_of_access"),
    ("school@example.org", "school"),
    ("school2@example.org", "school"),
    ("admin@example.org", "admin"),
    ("provider@example.org", "provider"),
)
PROVIDER_STAFF = "provider@example.org"
SCHOOLS = {"school@example.org": "Riverside Academy", "school2@example.org": "Eastbrook High School"}
_NAMES = {
    "officer@example.org": "Priya Shah",
    "head@example.org": "Joanne Okafor",
    "school@example.org": "Mark Ellis",
    "school2@example.org": "Aisha Rahman",
    "admin@example.org": "Sam Reid",
    "provider@example.org": "Dee Patel",
    "officer2@example.org": "Zoë Siân Łukasiewicz-O'Brien",
}

BOROUGHS = ("Riverside", "Northgate", "Eastbrook", "Westmere", "Southfield")
POSTCODES = {
    "Riverside": ("BR1 1AA", "BR1 3PL", "BR2 9HT"),
    "Northgate": ("N17 6DE", "N18 1QA", "N9 0AL"),
    "Eastbrook": ("E6 2JA", "E13 9PJ", "E16 1EH"),
    "Westmere": ("W3 6RS", "W5 5DB", "W7 1AG"),
    "Southfield": ("SE18 6HQ", "SE2 9AX", "SE28 8AB"),
}
PROVIDERS = (
    ("Bridges Learning Centre", ("ks3", "ks4", "semh")),
    ("Horizon Vocational Academy", ("ks4", "post16", "vocational")),
    ("The Harbour Project", ("ks3", "ks4", "semh", "send")),
    ("Pathways Tuition", ("ks2", "ks3", "tuition")),
    ("Riverside Hospital Education Service", ("ks2", "ks3", "ks4", "medical")),
    ("Future Skills Garage", ("ks4", "vocational")),
    ("Compass Alternative School", ("ks3", "ks4", "semh")),
    ("Green Shoots Farm", ("ks3", "ks4", "vocational", "semh")),
    ("Northgate Boxing Academy", ("ks4", "vocational")),
    ("Second Chance Studio", ("ks4", "post16", "vocational")),
    ("Oakwood Therapeutic Education", ("ks2", "ks3", "semh", "send")),
    ("Step Forward Learning", ("ks3", "ks4")),
    ("Anchor Online School", ("ks3", "ks4", "tuition", "medical")),
    ("Eastbrook Motor Skills", ("ks4", "vocational")),
    ("Kite Primary Nurture Base", ("ks1", "ks2", "semh")),
    ("The Workshop Collective", ("ks4", "post16", "vocational")),
    ("Lighthouse Learning", ("ks3", "ks4", "semh")),
    ("Westmere Construction Pathways", ("ks4", "post16", "vocational")),
    ("Cedar House Education", ("ks3", "ks4", "send")),
    ("Phoenix Creative Arts", ("ks3", "ks4")),
    ("Southfield Sports Inclusion", ("ks3", "ks4", "vocational")),
    ("Willow Medical Tuition", ("ks2", "ks3", "ks4", "medical", "tuition")),
    ("Summit Outdoor Learning", ("ks3", "ks4", "semh")),
    ("Bright Start Hair and Beauty", ("ks4", "post16", "vocational")),
    ("Meadow View Education", ("ks2", "ks3", "send")),
    ("The Forge Engineering Centre", ("ks4", "post16", "vocational")),
    ("Unity Youth Education Hub", ("ks3", "ks4", "semh")),
    ("Northgate Community Tuition", ("ks3", "ks4", "tuition")),
    ("Eastbrook Animal Care", ("ks4", "vocational")),
    ("Tower Hill Learning Base", ("ks3", "ks4", "semh")),
)
# (latest signed-off RAG, days ago) per provider, covering every QA status:
# quality assured (recent Green/Amber), not quality assured (Red, never visited),
# expired (old Green/Amber) and suspended.
PLAN = (
    ("green", 40),
    ("amber", 60),
    ("red", 20),
    ("green", 100),
    ("green", 200),
    ("amber", 30),
    ("red", 12),
    ("green", 400),
    ("amber", 250),
    (None, None),
    ("green", 15),
    ("amber", 120),
    ("red", 70),
    ("green", 300),
    (None, None),
    ("amber", 90),
    ("green", 150),
    ("red", 35),
    ("amber", 210),
    ("green", 55),
    ("green", 500),
    ("amber", 10),
    ("red", 5),
    (None, None),
    ("green", 80),
    ("amber", 160),
    ("green", 25),
    ("red", 45),
    ("green", 330),
    ("amber", 75),
)
SUSPENDED = {6: "Open escalation: possible unregistered full-time provision at a second site."}
# A "met" judgement's evidence: where it was seen and what was found, so no two visits
# read alike.
MET_SEEN = (
    "Sampled six staff files",
    "Checked the single central record",
    "Read the policy with the lead",
    "Looked at the attendance register for this half-term",
    "Observed two sessions",
    "Spoke with three pupils",
    "Walked the site with the manager",
    "Reviewed pupil plans for the current cohort",
    "Saw the training log",
    "Checked the risk assessments on file",
)
MET_FOUND = (
    "complete and current",
    "reviewed this term and signed by the lead",
    "matches what the commissioning schools hold",
    "consistent with what pupils told us",
    "dated, and up to date for every pupil",
    "clear, and known to all staff we asked",
    "in place, with a named person responsible",
)
EVIDENCE = {
    "partly_met": "In place but incomplete: {detail}",
    "not_met": "Not in place: {detail}",
    "not_seen": "Not available on the day; lead was absent.",
}
DETAILS = (
    "two staff files lacked dates of checks",
    "policy last reviewed over 18 months ago",
    "records kept on paper and not shared with commissioners",
    "no evidence of review since September",
    "fire drill log shows no drill this term",
    "attendance codes used inconsistently",
    "plans lack reintegration dates",
)
ACTIONS = (
    "Update the single central record with dates of all checks",
    "Review the child protection policy against KCSIE 2025",
    "Share weekly attendance with commissioning schools",
    "Carry out and log a fire drill each term",
    "Add reintegration timelines to every pupil plan",
)


def _ratings_for(rag, version, rng):
    """Judgements that produce the wanted RAG under the default rules."""
    ratings = {c.code: "met" for c in version.active_criteria()}
    codes = list(ratings)
    for code in rng.sample(codes, 3):
        ratings[code] = "not_seen"
    if rag in ("amber", "red"):
        for code in rng.sample([c for c in codes if not c.startswith(("SG", "HS"))], 3):
            ratings[code] = "partly_met"
    if rag == "red":
        ratings["SG1"] = "not_met"
        ratings["HS4"] = "partly_met"
    return ratings


def _evidence(ratings, rng):
    return {
        code: f"{rng.choice(MET_SEEN)}: {rng.choice(MET_FOUND)}."
        if rating == "met"
        else EVIDENCE[rating].format(detail=rng.choice(DETAILS))
        for code, rating in ratings.items()
    }


def seed(today=None):
    """Create the demo authority if the database has no users yet; True when it did."""
    if db.session.scalar(select(User.id).limit(1)) is not None:
        return False
    today = today or date.today()
    rng = random.Random(2025)
    version = load_default_framework()
    load_default_framework("school")
    load_default_rules()
    add_schools()
    users = {
        email: create_user(
            email,
            _NAMES[email],
            role,
            DEMO_PASSWORD,
            school_name=SCHOOLS.get(email),
        )
        for email, role in DEMO_USERS + (("officer2@example.org", "officer"),)
        # Provider staff belong to a provider: made with it (demo_providers).
        if role != "provider"
    }
    head = users["head@example.org"]
    officers = [users["officer@example.org"], users["officer2@example.org"]]

    for index, ((name, services), (rag, days_ago)) in enumerate(zip(PROVIDERS, PLAN, strict=True)):
        # A provider named after a place is in that place's borough.
        borough = next((b for b in BOROUGHS if b in name), BOROUGHS[index % len(BOROUGHS)])
        registration = ("registered_independent", "ofsted_registered", "unregistered", "not_known")[index % 4]
        provider = save_provider(
            Provider(),
            {
                "name": name,
                "address": f"{10 + index} {rng.choice(('High Street', 'Station Road', 'Mill Lane', 'Church Road'))}, {borough}",
                "postcode": rng.choice(POSTCODES[borough]),
                "borough": borough,
                "contact_name": rng.choice(("Alex Morgan", "Dee Patel", "Chris O'Neill", "Fatima Begum")),
                "contact_email": f"office{index}@provider.example.org",
                "contact_phone": f"020 7946 0{index:03d}",
                "registration_status": registration,
                "urn": f"{100000 + index * 37}"
                if registration in ("registered_independent", "ofsted_registered")
                else "",
                "services": services,
                "notes": "",
            },
        )
        officer = officers[index % 2]
        provider.officer = officer
        if rag is not None:
            visit_date = working_day(today - timedelta(days=days_ago))
            _signed_off_history(
                provider, officer, head, version, rag, visit_date, rng, today, photos=index % 4 == 0
            )
        if index in SUSPENDED:
            provider.suspended_reason = SUSPENDED[index]
        if index % 7 == 3:
            ratings = _ratings_for("amber", version, rng)
            partial = dict(list(ratings.items())[:12])
            visit_uuid = str(uuid.UUID(int=rng.getrandbits(128)))
            body = _body(provider, working_day(today - timedelta(days=2)), partial, _evidence(partial, rng))
            date_visit(save_visit(officer, visit_uuid, read(VisitBody, body).to_change())[0], today)
        if index in AWAITING:
            _follow_up(provider, officer, head, version, rng, today, AWAITING[index])
        refresh_rating(provider, today)
    _escalations(users, today)
    link_officers(users)
    add_placements(users, rng, today)
    add_school_visits(users, rng, today)
    add_referrals(users)
    add_provider_staff(users, DEMO_PASSWORD, today)
    add_marks(DEMO_PASSWORD, today)
    raise_morning_alerts(today)
    # The cross-school registration test raised its escalations as the placements were
    # saved: put them on the demo's timeline too, the last working day before today.
    for escalation in db.session.scalars(select(Escalation).where(Escalation.source == "placements")):
        date_escalation(escalation, working_day(today - timedelta(days=1)), today)
    # The demo provider's staff member's documents, actions and draft report.
    staff = db.session.scalar(select(User).where(User.email == PROVIDER_STAFF))
    if staff is not None and staff.provider is not None:
        provider = staff.provider
        seed_provider_records(provider, staff, provider.officer or officers[0], head, today)
        refresh_rating(provider, today)
    return True


# A follow-up visit after a Red: one awaiting sign-off, one returned to its officer.
AWAITING = {12: ("submitted", 4), 2: ("returned", 6)}
RETURN_COMMENT = "SG1 needs the evidence you saw: say which files were sampled and what was missing."


def _follow_up(provider, officer, head, version, rng, today, plan):
    """A visit a few days ago, submitted, then left with the Head of Access or returned."""
    status, days_ago = plan
    ratings = _ratings_for("amber", version, rng)
    visit_uuid = str(uuid.UUID(int=rng.getrandbits(128)))
    body = _body(provider, working_day(today - timedelta(days=days_ago)), ratings, _evidence(ratings, rng))
    visit = _submit(officer, visit_uuid, body)
    if status == "returned":
        return_to_officer(head, visit, RETURN_COMMENT)
    date_visit(visit, today)


def _escalations(users, today):
    """A few concerns in different states, one of them overdue for review."""
    officer, head, school = (
        users["officer@example.org"],
        users["head@example.org"],
        users["school@example.org"],
    )
    providers = db.session.scalars(select(Provider).order_by(Provider.id)).all()
    overdue = report_concern(
        school,
        {
            "address": "Rear of 41 Station Road, Riverside",
            "description": "About ten children of secondary age arrive "
            "at 9 and leave at 3 on weekdays; no signage.",
            "how_known": "A parent told the school",
            "estimated_pupils": 10,
            "estimated_hours": 30,
            "dates_seen": "Since September",
        },
        today=working_day(today - timedelta(days=12)),
    )
    reviewing = report_concern(
        officer,
        {
            "provider_id": providers[6].id,
            "address": f"{providers[6].address}, {providers[6].postcode}",
            "description": "Pupils taught full-time at a second site not on the provider's list of sites.",
            "how_known": "Seen on a QA visit",
            "estimated_pupils": 6,
            "estimated_hours": 25,
        },
        today=working_day(today - timedelta(days=3)),
    )
    transition(head, reviewing, "under_review", "Specific and recent evidence from a visit")
    monitoring = report_concern(
        officer,
        {
            "provider_id": providers[11].id,
            "address": f"{providers[11].address}, {providers[11].postcode}",
            "description": "Hours may have risen above 18 for some pupils.",
            "how_known": "Attendance returns",
        },
        today=working_day(today - timedelta(days=40)),
    )
    transition(head, monitoring, "under_review", "Checking attendance returns")
    transition(
        head,
        monitoring,
        "monitoring",
        "Hours at 16; review next half-term",
        review_date=working_day(today + timedelta(days=42)),
    )
    for escalation in (overdue, reviewing, monitoring):
        date_escalation(escalation, escalation.created_at.date(), today)
    return overdue


def _body(provider, visit_date, ratings, evidence, **fields):
    """A visit body as the visit form and the sync API send it."""
    return {
        "provider_id": provider.id,
        "visit_date": visit_date.isoformat(),
        "status": "draft",
        "judgements": [
            {"criterion": code, "rating": rating, "evidence": evidence.get(code, "")}
            for code, rating in ratings.items()
        ],
        **fields,
    }


def _submit(officer, visit_uuid, body, photos=False, rng=None):
    """Save a draft as the officer (with photos of evidence if asked), then submit it."""
    visit, _ = save_visit(officer, visit_uuid, read(VisitBody, body).to_change())
    if photos:
        add_photos(officer, visit, rng)
    reasons = {
        code: INSUFFICIENT_REASON
        for code, rating in visit.theme_rags.items()
        if rating["insufficient_evidence"]
    }
    body.update(status="submitted", insufficient_reasons=reasons)
    visit, _ = save_visit(officer, visit_uuid, read(VisitBody, body).to_change(), base_version=visit.version)
    return visit


def _signed_off_history(provider, officer, head, version, rag, visit_date, rng, today, photos=False):
    """An earlier visit a year before (for the trend) and the latest signed-off one.

    Each is saved by the officer, submitted and signed off by the Head of Access, as the
    app does it; the latest marks the earlier visit's actions done."""
    earlier = rng.choice(("green", "amber", "red"))
    for when, this_rag in ((working_day(visit_date - timedelta(days=365)), earlier), (visit_date, rag)):
        ratings = _ratings_for(this_rag, version, rng)
        visit_uuid = str(uuid.UUID(int=rng.getrandbits(128)))
        evidence = _evidence(ratings, rng)
        actions = []
        if this_rag != "green":
            actions = [
                {
                    "description": description,
                    "owner": rng.choice(("provider", "authority")),
                    "due": (when + timedelta(days=42)).isoformat(),
                }
                for description in rng.sample(ACTIONS, 2)
            ]
        body = _body(
            provider,
            when,
            ratings,
            evidence,
            strengths="Warm relationships between staff and pupils; pupils said they feel safe.",
            theme_notes={"QE": "Curriculum well matched to pupils' starting points."},
            actions=actions,
            action_outcomes={str(a.id): "done" for a in previous_open_actions(provider.id)},
        )
        visit = _submit(officer, visit_uuid, body, photos=photos and when == visit_date, rng=rng)
        sign_off(head, visit)
        date_visit(visit, today)
