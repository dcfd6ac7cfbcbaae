"""Demo data: a realistic authority with providers in every QA status and RAG.

Deterministic (a fixed random seed) and idempotent: seed() does nothing when the
demo users already exist. Its dates and photos are in demo.timeline.
"""

import random
import uuid
from datetime import date, timedelta

from sqlalchemy import select

from qa_app.alerts.services import raise_morning_alerts
from qa_app.auth.models import User
from qa_app.auth.services import create_user
from qa_app.demo.data import (
    AWAITING,
    BOROUGHS,
    DEMO_PASSWORD,
    DEMO_USERS,
    NAMES,
    PLAN,
    POSTCODES,
    PROVIDER_STAFF,
    PROVIDERS,
    SCHOOLS,
    SUSPENDED,
)
from qa_app.demo.escalations import add_escalations
from qa_app.demo.marks import add_marks
from qa_app.demo.placements import add_placements, add_schools
from qa_app.demo.provider_records import seed_provider_records
from qa_app.demo.providers import add_provider_staff
from qa_app.demo.referrals import add_referrals
from qa_app.demo.school_visits import add_school_visits, link_officers
from qa_app.demo.timeline import date_escalation, date_visit, working_day
from qa_app.demo.visits import evidence_for, follow_up, ratings_for, signed_off_history, visit_body
from qa_app.escalations.models import Escalation
from qa_app.extensions import db
from qa_app.framework.services import load_default_framework
from qa_app.providers.models import Provider
from qa_app.providers.services import save_provider
from qa_app.registration.services import load_default_rules
from qa_app.schemas import read
from qa_app.submission.services import save as save_visit
from qa_app.visits.provider_rating import refresh_rating
from qa_app.visits.schemas import VisitBody


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
            NAMES[email],
            role,
            DEMO_PASSWORD,
            school_name=SCHOOLS.get(email),
        )
        for email, role in DEMO_USERS + (("officer2@example.org", "officer"),)
        # Provider staff belong to a provider: made with it (demo.providers).
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
            signed_off_history(
                provider, officer, head, version, rag, visit_date, rng, today, photos=index % 4 == 0
            )
        if index in SUSPENDED:
            provider.suspended_reason = SUSPENDED[index]
        if index % 7 == 3:
            ratings = ratings_for("amber", version, rng)
            partial = dict(list(ratings.items())[:12])
            visit_uuid = str(uuid.UUID(int=rng.getrandbits(128)))
            body = visit_body(
                provider, working_day(today - timedelta(days=2)), partial, evidence_for(partial, rng)
            )
            date_visit(save_visit(officer, visit_uuid, read(VisitBody, body).to_change())[0], today)
        if index in AWAITING:
            follow_up(provider, officer, head, version, rng, today, AWAITING[index])
        refresh_rating(provider, today)
    add_escalations(users, today)
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
