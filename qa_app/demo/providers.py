"""The demo's provider staff: provider@example.org works for the first demo provider (one of
officer@example.org's), which has a self-assessment asked for and a new placement waiting for
its written confirmation of safeguarding checks.

Everything is saved through the app's own services, as the app saves it."""

import uuid
from datetime import timedelta

from sqlalchemy import select

from qa_app.auth.services import create_user
from qa_app.demo.timeline import working_day
from qa_app.extensions import db
from qa_app.placements.placing import placing_check
from qa_app.placements.schemas import PlacementBody
from qa_app.placements.services import save_placement
from qa_app.providers.models import Provider
from qa_app.schemas import read
from qa_app.selfassessment.services import request_self_assessment

PROVIDER_STAFF_EMAIL = "provider@example.org"
PROVIDER_STAFF_NAME = "Dee Patel"
# The pupil a school has just placed, starting next week, not yet confirmed.
NEW_PUPIL = "RA-Y9-031"


def demo_provider():
    """The provider whose staff the demo signs in as: the first demo provider."""
    return db.session.scalar(select(Provider).order_by(Provider.id).limit(1))


def add_provider_staff(users, password, today):
    """provider@example.org, a self-assessment asked for by the provider's officer, and a
    placement starting next week that waits for the provider's confirmation."""
    provider = demo_provider()
    staff = create_user(
        PROVIDER_STAFF_EMAIL, PROVIDER_STAFF_NAME, "provider", password, provider_id=provider.id
    )
    request_self_assessment(provider.officer, provider, today + timedelta(days=12), today)
    school = users["school@example.org"]
    start = working_day(today + timedelta(days=7))
    body = {
        "school_id": school.school_id,
        "pupil_ref": NEW_PUPIL,
        "year_group": 9,
        "ehc_plan": False,
        "sen_support": True,
        "looked_after": False,
        "provider_id": provider.id,
        "commissioned_by": "school",
        "reason": "at_risk_of_exclusion",
        "start_date": start.isoformat(),
        "planned_end_date": (start + timedelta(days=84)).isoformat(),
        "days_per_week": 3,
        "hours_per_week": 15,
        "part_time": False,
        "attendance_code": "B",
        "safeguarding_confirmation_received": None,
        "objectives": "Re-engage with learning through practical work; English and maths twice a week.",
        "reintegration_timeline": "Review at half term; a phased return from the spring.",
        "reviews": [],
        "end": None,
    }
    if placing_check(provider, today):
        body["placing_reason"] = "The only provider with a place that meets the pupil's needs this term."
    save_placement(school, str(uuid.UUID(int=0x5AFE + provider.id)), read(PlacementBody, body).to_change())
    return staff
