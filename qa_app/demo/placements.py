"""Demo schools and their placements: seven schools with URN, borough and phase, and pupils
placed across the demo providers (some not quality assured or not known to be registered),
open and ended, reviewed every few weeks up to the recent past so every term has attendance
figures, with a few overdue items of each kind.

Placements are saved through placements.services.save_placement, as the app saves them:
by the school's own user where the demo has one, by the QA officer otherwise.
"""

import uuid
from datetime import timedelta

from sqlalchemy import select

from qa_app.auth.models import School
from qa_app.demo.timeline import working_day
from qa_app.extensions import db
from qa_app.placements.placing import placing_check
from qa_app.placements.schemas import PlacementBody
from qa_app.placements.services import save_placement
from qa_app.providers.models import Provider
from qa_app.schemas import read

# name, DfE URN, borough, phase; the first two are those of school@ and school2@.
SCHOOLS = (
    ("Riverside Academy", "137421", "Riverside", "secondary"),
    ("Eastbrook High School", "102345", "Eastbrook", "secondary"),
    ("Northgate Primary School", "100812", "Northgate", "primary"),
    ("Westmere Community College", "136788", "Westmere", "secondary"),
    ("Southfield All-Through School", "141203", "Southfield", "all_through"),
    ("Oak Lane School", "101977", "Riverside", "special"),
    ("Northgate Learning Centre", "134560", "Northgate", "pupil_referral_unit"),
)

# (school, provider index in demo.PROVIDERS, pupil ref, year, started days ago, planned
# days, hours a week, what else). "ended": ended that many days ago; "overdue": which item
# the placement is left with; "flags": ehc_plan, sen_support, looked_after.
PLACEMENTS = (
    # The Harbour Project: unregistered, rated Red. Five full-time pupils from three
    # schools, which no single school sees and the authority does.
    (0, 2, "RA-Y10-014", 10, 120, 240, 25, {"flags": ("sen_support",)}),
    (0, 2, "RA-Y11-003", 11, 95, 200, 25, {}),
    (1, 2, "EHS-2291", 10, 80, 200, 25, {"flags": ("looked_after",)}),
    (1, 2, "EHS-2307", 9, 60, 150, 25, {"overdue": "safeguarding_confirmation"}),
    (3, 2, "WCC-Y10-8", 10, 45, 180, 25, {}),
    # Providers that are quality assured.
    (0, 0, "RA-Y9-021", 9, 300, 330, 25, {"ended": 40, "destination": "home_school_full_time"}),
    (0, 0, "RA-Y8-007", 8, 70, 120, 15, {"part_time": 30, "overdue": "part_time_review"}),
    (0, 1, "RA-Y11-019", 11, 200, 300, 30, {"flags": ("ehc_plan",)}),
    (0, 5, "RA-Y10-031", 10, 150, 140, 20, {"overdue": "planned_end"}),
    (1, 1, "EHS-2188", 11, 360, 300, 30, {"ended": 70, "destination": "post_16"}),
    (1, 4, "EHS-2240", 8, 110, 200, 12, {"reason": "health_or_medical", "part_time": 130}),
    (1, 16, "EHS-2275", 10, 90, 180, 25, {"overdue": "review"}),
    (2, 14, "NPS-Y5-02", 5, 75, 120, 10, {"reason": "semh_support", "part_time": 60}),
    (
        2,
        14,
        "NPS-Y6-11",
        6,
        250,
        200,
        10,
        {"reason": "semh_support", "ended": 30, "destination": "home_school_full_time"},
    ),
    (3, 1, "WCC-Y11-2", 11, 400, 330, 30, {"ended": 140, "destination": "employment_or_training"}),
    (
        3,
        5,
        "WCC-Y10-5",
        10,
        130,
        250,
        25,
        {"commissioned_by": "local_authority", "reason": "permanent_exclusion"},
    ),
    (4, 16, "SAT-Y9-33", 9, 100, 200, 25, {"reason": "suspension"}),
    (4, 0, "SAT-Y11-4", 11, 380, 330, 25, {"ended": 120, "destination": "another_mainstream_school"}),
    (5, 10, "OLS-Y7-06", 7, 85, 220, 20, {"flags": ("ehc_plan", "sen_support")}),
    (5, 18, "OLS-Y9-12", 9, 160, 250, 25, {"flags": ("ehc_plan",), "reason": "awaiting_school_place"}),
    (
        6,
        9,
        "NLC-Y10-3",
        10,
        65,
        120,
        25,
        {"commissioned_by": "local_authority", "reason": "permanent_exclusion"},
    ),
    (
        6,
        7,
        "NLC-Y11-9",
        11,
        210,
        250,
        18,
        {"commissioned_by": "local_authority", "reason": "permanent_exclusion"},
    ),
    (
        6,
        7,
        "NLC-Y9-14",
        9,
        330,
        300,
        25,
        {"ended": 90, "destination": "neet", "reason": "permanent_exclusion"},
    ),
    # Two more pupils at Bridges Learning Centre, so provider@example.org's register has a
    # morning's worth of pupils from three schools.
    (1, 0, "EHS-2312", 9, 40, 120, 25, {}),
    (4, 0, "SAT-Y10-21", 10, 55, 150, 25, {"flags": ("sen_support",)}),
)

PROGRESS = (
    "On track against both objectives; reading age up by a year.",
    "Good progress in maths; English coursework behind plan.",
    "Settled well; fewer incidents each week than at school.",
    "Attendance dipped after half-term; plan adjusted with the family.",
    "Working towards a level 1 qualification; on course.",
)
PUPIL_VIEWS = (
    "I like the smaller groups and the staff listen to me.",
    "It is better than school but I miss my friends.",
    "The practical work is the best part.",
    "Some days are long; I want to go back to my school next term.",
)
PARENT_VIEWS = (
    "Much calmer at home since the placement began.",
    "Happy with progress; transport has been difficult.",
    "Would like more information on what is being taught.",
)


def add_schools():
    """Create the demo schools (before the users, who are given theirs by name)."""
    for name, urn, borough, phase in SCHOOLS:
        db.session.add(School(name=name, urn=urn, borough=borough, phase=phase))
    db.session.flush()


def add_placements(users, rng, today):
    """Save the demo placements through save_placement, with their reviews and endings."""
    schools = {s.name: s for s in db.session.scalars(select(School))}
    providers = db.session.scalars(select(Provider).order_by(Provider.id)).all()
    by_school = {
        users[email].school_id: users[email] for email in ("school@example.org", "school2@example.org")
    }
    for school_index, provider_index, ref, year, started, planned, hours, more in PLACEMENTS:
        school = schools[SCHOOLS[school_index][0]]
        provider = providers[provider_index]
        # A school's own staff, else its link officer, else the Head of Access records it.
        user = by_school.get(school.id) or school.officer or users["head@example.org"]
        body = visit_body(school, provider, ref, year, started, planned, hours, more, rng, today)
        save_placement(user, str(uuid.UUID(int=rng.getrandbits(128))), read(PlacementBody, body).to_change())


def visit_body(school, provider, ref, year, started, planned, hours, more, rng, today):
    """A placement's body as the form and the API send it."""
    start = working_day(today - timedelta(days=started))
    ended = working_day(today - timedelta(days=more["ended"])) if "ended" in more else None
    overdue = more.get("overdue")
    days = 5 if hours >= 20 else 3
    part_time_review = start + timedelta(days=more["part_time"]) if "part_time" in more else None
    body = {
        "school_id": school.id,
        "pupil_ref": ref,
        "year_group": year,
        **{flag: flag in more.get("flags", ()) for flag in ("ehc_plan", "sen_support", "looked_after")},
        "provider_id": provider.id,
        "commissioned_by": more.get("commissioned_by", "school"),
        "reason": more.get("reason", "at_risk_of_exclusion"),
        "start_date": start.isoformat(),
        "planned_end_date": (start + timedelta(days=planned)).isoformat(),
        "days_per_week": days,
        "hours_per_week": hours,
        "part_time": "part_time" in more,
        "part_time_reason": "Phased start after a long absence" if "part_time" in more else "",
        "part_time_review_date": part_time_review.isoformat() if part_time_review else None,
        "attendance_code": "D" if more.get("commissioned_by") == "local_authority" else "B",
        "safeguarding_confirmation_received": None
        if overdue == "safeguarding_confirmation"
        else (start - timedelta(days=rng.randint(2, 10))).isoformat(),
        "objectives": "Re-engage with learning; a qualification in English and maths; return to mainstream.",
        "reintegration_timeline": "Review at each half term; a phased return planned from the spring.",
        "reviews": _reviews(start, ended or today, days, overdue == "review", rng),
        "end": {
            "date": ended.isoformat(),
            "destination": more["destination"],
            "pupil_assessment": rng.choice(PUPIL_VIEWS),
        }
        if ended
        else None,
    }
    if placing_check(provider, today):
        body["placing_reason"] = "The only provider with a place that meets the pupil's needs this term."
    return body


def _reviews(start, until, days_per_week, let_lapse, rng):
    """Reviews every five or six weeks from the start to `until`; the last left to lapse
    when asked (so one is overdue)."""
    reviews, day = [], start
    stop = until - timedelta(days=50) if let_lapse else until
    while True:
        day = working_day(day + timedelta(days=rng.choice((35, 38, 42))))
        if day > stop or day > until:
            return reviews
        possible = days_per_week * 2 * 6
        attended = possible - rng.randint(0, possible // 4)
        reviews.append(
            {
                "review_date": day.isoformat(),
                "sessions_possible": possible,
                "sessions_attended": attended,
                "sessions_unauthorised": rng.randint(0, possible - attended),
                "progress": rng.choice(PROGRESS),
                "achievements": rng.choice(
                    ("Entry level 3 certificate", "Attended every Friday session", "")
                ),
                "pupil_view": rng.choice(PUPIL_VIEWS),
                "parent_view": rng.choice(PARENT_VIEWS),
                "decision": "continue",
            }
        )
