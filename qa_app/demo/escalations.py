"""The demo's concerns about unregistered provision, in different states."""

from datetime import timedelta

from sqlalchemy import select

from qa_app.demo.timeline import date_escalation, working_day
from qa_app.escalations.raising import report_concern
from qa_app.escalations.services import transition
from qa_app.extensions import db
from qa_app.providers.models import Provider


def add_escalations(users, today):
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
