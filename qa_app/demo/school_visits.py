"""Demo school visits (docs/domain.md §2.7): the link officers of the demo schools, signed-off
school visits that judge the five areas, check the school's placements and set actions for
the school, and a draft school visit in progress.

Saved through the same save path, submission and sign-off as the demo's provider visits,
after the placements (a school visit checks the placements the records hold).
"""

import uuid
from datetime import timedelta

from sqlalchemy import select

from qa_app.auth.models import School
from qa_app.demo.placements import SCHOOLS
from qa_app.demo.timeline import date_visit, working_day
from qa_app.extensions import db
from qa_app.framework.services import current_version
from qa_app.schemas import read
from qa_app.submission.services import save as save_visit
from qa_app.visits.schemas import VisitBody
from qa_app.visits.school_placements import checks_needed, placements_to_check
from qa_app.visits.services import sign_off

# The schools officer2@ visits (the rest are officer@'s), by their index in SCHOOLS.
OTHER_OFFICERS_SCHOOLS = (5, 6)

# What the officer saw of each criterion judged met.
MET = {
    "PR1": "Sampled four placement files: plan, objectives and the provider's agreement on each.",
    "PR2": "Review notes within the half term for every file sampled, with decisions recorded.",
    "QR1": "The register was checked and printed on the day of placing for each file sampled.",
    "QR2": "Each provider's written confirmation of staff checks on file before the start date.",
    "QR3": "Every full-time pupil is at a registered provider.",
    "AF1": "Daily attendance returns from each provider; first-day calls logged by the attendance officer.",
    "AF2": "Part-time timetables each have a reason and a review date, and the reviews are minuted.",
    "RD1": "Each plan names the next step and a date to work towards.",
    "RD2": "Destinations recorded for every placement ended this year, with a follow-up call at six weeks.",
    "PV1": "Pupils' own words recorded at each review and in their end-of-placement form.",
    "PV2": "Parents' views and signatures on the placement agreements and reviews.",
}
# School index -> (days ago, {criterion: (rating, evidence)} for those not met, action, note).
SIGNED_OFF = {
    0: (
        55,
        {
            "QR1": (
                "partly_met",
                "One pupil placed at The Harbour Project while it was not quality assured; the "
                "reason was recorded but the authority was not told.",
            ),
            "PV1": ("partly_met", "Pupils' views missing from two of the last six reviews."),
        },
        "Tell the authority before placing with a provider that is not quality assured, and record why",
        "The written confirmation came after the start date; it is now on file.",
    ),
    1: (
        400,
        {"AF2": ("partly_met", "A part-time timetable ran past its review date by three weeks.")},
        "Review every part-time timetable by its review date and record the decision",
        "",
    ),
}
DRAFT = (3, 2)  # school index, days ago: officer@'s visit in progress (Westmere)


def link_officers(users):
    """Give the demo schools their link officers (before placements: an officer records
    placements only for the schools they visit and at their providers)."""
    schools = {s.name: s for s in db.session.scalars(select(School))}
    officer, other = users["officer@example.org"], users["officer2@example.org"]
    for index, (name, *_rest) in enumerate(SCHOOLS):
        schools[name].officer_id = (other if index in OTHER_OFFICERS_SCHOOLS else officer).id
    db.session.flush()


def add_school_visits(users, rng, today):
    """Save the demo's school visits (the schools have their link officers)."""
    schools = {s.name: s for s in db.session.scalars(select(School))}
    officer, head = users["officer@example.org"], users["head@example.org"]
    version = current_version("school")
    for index, (days_ago, not_met, action, note) in SIGNED_OFF.items():
        school = schools[SCHOOLS[index][0]]
        visit_date = working_day(today - timedelta(days=days_ago))
        ratings = {c.code: ("met", MET[c.code]) for c in version.active_criteria()} | not_met
        body = visit_body(
            school,
            visit_date,
            ratings,
            people_met="SENCO; inclusion lead",
            strengths="Placements are planned with the provider from the start, and reviews are held on time.",
            pupil_voice="Pupils said they know why they are at the provider and when they are due back.",
            actions=[
                {
                    "description": action,
                    "owner": "school",
                    "due": (visit_date + timedelta(days=60)).isoformat(),
                }
            ],
        )
        visit_uuid = str(uuid.UUID(int=rng.getrandbits(128)))
        visit, _ = save_visit(officer, visit_uuid, read(VisitBody, body).to_change())
        body.update(status="submitted", placement_checks=_checks(visit, note))
        visit, _ = save_visit(
            officer, visit_uuid, read(VisitBody, body).to_change(), base_version=visit.version
        )
        sign_off(head, visit)
        date_visit(visit, today)
    index, days_ago = DRAFT
    ratings = {c.code: ("met", MET[c.code]) for c in version.active_criteria() if c.theme in ("PR", "QR")}
    body = visit_body(schools[SCHOOLS[index][0]], working_day(today - timedelta(days=days_ago)), ratings)
    visit, _ = save_visit(
        officer, str(uuid.UUID(int=rng.getrandbits(128))), read(VisitBody, body).to_change()
    )
    date_visit(visit, today)


def visit_body(school, visit_date, ratings, **fields):
    """A school visit's body as the visit form and the sync API send it."""
    return {
        "school_id": school.id,
        "visit_date": visit_date.isoformat(),
        "status": "draft",
        "judgements": [
            {"criterion": code, "rating": rating, "evidence": evidence}
            for code, (rating, evidence) in ratings.items()
        ],
        **fields,
    }


def _checks(visit, note):
    """Every placement check answered as the records say (was the provider quality assured
    when the pupil was placed; is the written confirmation held); the first placement's
    confirmation came late, with the officer's note, when there is a note to give."""
    checks = {}
    for number, placement in enumerate(placements_to_check(visit)):
        answers = {code: "yes" for code in checks_needed(placement)}
        if placement["provider_status_when_placed"] != "quality_assured":
            answers["provider_qa_when_placed"] = "no"
        if not placement["safeguarding_confirmation_received"]:
            answers["confirmation_held"] = "no"
        if number == 0 and note:
            answers |= {"confirmation_held": "no", "note": note}
        checks[placement["uuid"]] = answers
    return checks
