"""The authority around the register: schools with their staff and link officers, open and
ended placements with their reviews, and referrals to the Gateway panel, bulk-inserted; then
the registration test across schools run as the daily job runs it (its escalations), and
each school's visits saved through the app's own save path.

Each placement's `provider_status_when_placed` is what the app's own check before placing
(`placements.services.placing_check`) says of its provider on the day, and every row holds
the values the placement and referral rules accept (`placements.schemas.rule_errors` is run
on a sample of the placements, so a rule change that the rows break fails here, not later).
"""

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, text

from bench import saves
from qa_app.auth.models import School, User
from qa_app.auth.services import create_user
from qa_app.extensions import db
from qa_app.framework.services import current_version
from qa_app.placements import cross_school_test
from qa_app.placements.models import Placement, PlacementReview
from qa_app.placements.placing import placing_check
from qa_app.placements.schemas import PlacementBody, rule_errors
from qa_app.providers.models import Provider
from qa_app.referrals.models import Referral
from qa_app.schemas import read
from qa_app.visits.school_placements import checks_needed, placements_to_check
from qa_app.visits.services import sign_off

SCHOOL_EMAIL = "bench-school@example.org"
PASSWORD = "bench-password-1"
REASONS = ("at_risk_of_exclusion", "semh_support", "permanent_exclusion", "health_or_medical")
STATUSES = {"sent": 30, "more_information": 10, "accepted": 25, "not_accepted": 15, "signposted": 20}


@dataclass
class Authority:
    schools: int
    placements: int
    reviews: int
    referrals: int
    school_visits: int = 0
    escalations: int = 0


def build(app, schools, placements, referrals, officer_email, seed=2026, today=None):
    """Add the schools (the first five visited by `officer_email`), one school user at the
    first, the placements (one in nine ended, a review for two in three) and referrals, then
    the registration test's escalations and the schools' visits."""
    today = today or date.today()
    rng = random.Random(seed)
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == officer_email))
        others = db.session.scalars(
            select(User).where(User.role == "officer", User.id != officer.id).order_by(User.id)
        ).all()
        school_rows = [
            {
                "name": f"Bench School {n:03d}",
                "urn": f"{900000 + n}",
                "borough": "Riverside",
                "phase": "secondary",
                # The first five are the signed-in officer's, the rest the other officers'.
                "officer_id": officer.id if n < 5 else others[n % len(others)].id,
            }
            for n in range(schools)
        ]
        db.session.execute(School.__table__.insert(), school_rows)
        school_ids = db.session.scalars(select(School.id).order_by(School.id)).all()
        school_user = create_user(
            SCHOOL_EMAIL, "Bench School Staff", "school", PASSWORD, school_id=school_ids[0]
        )
        db.session.commit()
        providers = db.session.scalars(select(Provider).order_by(Provider.id)).all()
        # The app's check before placing, once per provider (it depends on the provider only).
        status = {}
        for provider in providers:
            check = placing_check(provider, today)
            status[provider.id] = check["status"] if check else "quality_assured"
        rows = _placements(
            rng, placements, school_ids, [p.id for p in providers], status, school_user.id, today
        )
        _check_sample(rng, rows, today)
        with db.engine.begin() as connection:
            connection.execute(Placement.__table__.insert(), rows)
        ids = db.session.scalars(select(Placement.id).order_by(Placement.id)).all()
        reviews = _reviews(rng, ids, today)
        referral_rows = _referrals(
            rng, referrals, school_ids, [p.id for p in providers], school_user.id, today
        )
        with db.engine.begin() as connection:
            connection.execute(PlacementReview.__table__.insert(), reviews)
            connection.execute(Referral.__table__.insert(), referral_rows)
        # The daily test across schools, as `flask check-placements` runs it: every provider
        # not known to be registered gets its result, and an escalation when it says so.
        escalated = sum(1 for _, escalation in cross_school_test.check_all(today).values() if escalation)
        db.session.commit()
        school_visits = _school_visits(rng, today)
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("ANALYZE"))
    return Authority(len(school_rows), len(rows), len(reviews), len(referral_rows), school_visits, escalated)


def _school_visits(rng, today):
    """Each school's last visit by its link officer, signed off about a year ago, and a visit in
    progress (a draft) at one school in five; saved, submitted and signed off through the
    app's own path (bench.saves), every placement check answered. Returns how many."""
    head = db.session.scalar(select(User).where(User.role == "head_of_access").order_by(User.id))
    version = current_version("school")
    judgements = [{"criterion": c.code, "rating": "met", "evidence": ""} for c in version.active_criteria()]
    made = 0
    for n, school in enumerate(db.session.scalars(select(School).order_by(School.id)).all()):
        officer = school.officer
        # About a year ago (a school is visited yearly), so its list of placements to check
        # stays within the form's 500 at 30,000 placements.
        visit_date = today - timedelta(days=rng.randint(330, 390))
        body = {"school_id": school.id, "visit_date": visit_date.isoformat(), "status": "draft"}
        body |= {"people_met": "SENCO; the head teacher", "judgements": judgements}
        visit = saves.save(officer, str(uuid.uuid4()), body)
        checks = {p["uuid"]: {code: "yes" for code in checks_needed(p)} for p in placements_to_check(visit)}
        visit = saves.save(
            officer, visit.uuid, {**body, "status": "submitted", "placement_checks": checks}, visit.version
        )
        sign_off(head, visit)
        made += 1
        if n % 5 == 0:
            draft = {"school_id": school.id, "visit_date": today.isoformat(), "status": "draft"}
            saves.save(
                officer, str(uuid.uuid4()), draft | {"people_met": "SENCO", "judgements": judgements[:4]}
            )
            made += 1
        db.session.commit()
    return made


def _placements(rng, n, school_ids, provider_ids, status, user_id, today):
    rows = []
    for i in range(n):
        start = today - timedelta(days=rng.randint(10, 400))
        ended = start + timedelta(days=rng.randint(20, 200)) if i % 9 == 0 else None
        part_time = i % 13 == 0
        provider_id = rng.choice(provider_ids)
        rows.append(
            {
                "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "version": 1,
                "school_id": rng.choice(school_ids),
                "provider_id": provider_id,
                "pupil_ref": f"P{i:06d}",
                "year_group": rng.randint(7, 11),
                "ehc_plan": i % 7 == 0,
                "sen_support": i % 3 == 0,
                "looked_after": i % 11 == 0,
                "commissioned_by": "school" if i % 5 else "local_authority",
                "reason": REASONS[i % len(REASONS)],
                "start_date": start,
                "planned_end_date": start + timedelta(days=180),
                "days_per_week": 2 if part_time else 5,
                "hours_per_week": 10.0 if part_time else float(rng.choice((15, 20, 25))),
                "weeks_per_year": 38,
                "daytime": True,
                "main_education": not part_time,
                "part_time": part_time,
                "part_time_reason": "Phased return after a long absence" if part_time else "",
                "part_time_review_date": start + timedelta(days=42) if part_time else None,
                "attendance_code": "B",
                "safeguarding_confirmation_received": start - timedelta(days=3) if i % 6 else None,
                "objectives": "Back to the home school full time within two terms.",
                "reintegration_timeline": "",
                "provider_status_when_placed": status[provider_id],
                "placing_reason": ""
                if status[provider_id] == "quality_assured"
                else "The only place near home",
                "ended_on": ended,
                "destination": "home_school_full_time" if ended else None,
                "pupil_assessment": "",
                "created_by_id": user_id,
                "created_at": datetime.combine(start, datetime.min.time()),
                "updated_at": datetime.combine(start, datetime.min.time()),
            }
        )
    return rows


def _check_sample(rng, rows, today):
    """The app's own rules on a sample of the rows: a row they refuse stops the build."""
    for row in rng.sample(rows, min(50, len(rows))):
        body = {
            k: v.isoformat() if isinstance(v, date) else v
            for k, v in row.items()
            if k in PlacementBody.model_fields
        }
        body["reviews"], body["end"] = [], None
        if row["ended_on"]:
            body["end"] = {
                "date": row["ended_on"].isoformat(),
                "destination": row["destination"],
                "pupil_assessment": "",
            }
        change = read(PlacementBody, body).to_change()
        errors = rule_errors(change, max(today, row["ended_on"] or today))
        if errors:
            raise RuntimeError(f"A bench placement breaks the app's rules: {errors}")


def _reviews(rng, placement_ids, today):
    """A review for two placements in three; unauthorised absences within the sessions missed."""
    attended = {pid: rng.randint(8, 20) for pid in placement_ids}
    return [
        {
            "placement_id": pid,
            "review_date": today - timedelta(days=rng.randint(1, 60)),
            "sessions_possible": 20,
            "sessions_attended": attended[pid],
            "sessions_unauthorised": rng.randint(0, 20 - attended[pid]),
            "progress": "Settling well",
            "decision": "continue",
        }
        for n, pid in enumerate(placement_ids)
        if n % 3
    ]


def _referrals(rng, n, school_ids, provider_ids, user_id, today):
    rows = []
    for i in range(n):
        status = rng.choices(list(STATUSES), weights=list(STATUSES.values()))[0]
        sent = datetime.combine(today - timedelta(days=rng.randint(1, 300)), datetime.min.time())
        decided = status != "sent"
        outcome = {"accepted": "place" if i % 2 else "outreach"}.get(status, status if decided else None)
        rows.append(
            {
                "school_id": rng.choice(school_ids),
                "created_by_id": user_id,
                "status": status,
                "pupil_ref": f"R{i:05d}",
                "year_group": rng.randint(6, 11),
                "sen_support": True,
                "asked_for": "outreach" if i % 2 else "place",
                "needs": "Anxiety and anger in lessons.",
                "what_has_happened": "Two suspensions this term.",
                "isat_involved": True,
                "ep_assessment": "commitment",
                "caf": "opened",
                "senco_involved": True,
                "interventions": "Daily check-in with a key adult.",
                "urgent": i % 10 == 0,
                "sent_at": sent,
                "outcome": outcome,
                "decision_reason": "Needs met by outreach" if decided else "",
                "information_needed": "The EP's report" if status == "more_information" else "",
                "signposted_to": "CAMHS" if status == "signposted" else "",
                "provider_id": rng.choice(provider_ids) if outcome == "place" else None,
                "decided_at": sent + timedelta(days=7) if decided else None,
                "created_at": sent,
                "updated_at": sent,
            }
        )
    return rows
