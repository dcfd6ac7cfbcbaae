"""The placements a school visit checks (docs/domain.md §2.7).

Placements stand above visits (a placement reads the register that visits build), so the
placements feature answers the `school_visit_placements` signal with a school visit's
placements: the school's open placements and those ended since its last signed-off visit.
The save path and check answers ask through `placements_to_check`.
"""

from datetime import date

from qa_app.signals import answers, school_visit_placements
from qa_app.visits.models import PLACEMENT_CHECKS


def placements_to_check(visit):
    """The placements this school visit checks, in the order the form lists them."""
    if not visit.is_school_visit:
        return []
    return [placement for found in answers(school_visit_placements, visit) for placement in found]


def checks_needed(placement):
    """The checks a placement needs: a part-time timetable's review only when it is part time."""
    return [code for code in PLACEMENT_CHECKS if code != "part_time_reviewed" or placement.get("part_time")]


def check_problems(visit, checks, placements):
    """Answers for placements that are not this school's, as {field path: message}."""
    known = {p["uuid"] for p in placements}
    return {
        f"placement_checks.{key}": "is not one of this school's placements on this visit"
        for key in checks
        if key not in known
    }


def check_blockers(visit, placements):
    """Unanswered placement checks, as {field path: message}, in the order of the form."""
    blockers = {}
    for placement in placements:
        answers = visit.placement_checks.get(placement["uuid"], {})
        for code in checks_needed(placement):
            if not answers.get(code):
                blockers[f"placement_checks.{placement['uuid']}.{code}"] = (
                    f"Answer for {placement['pupil_ref']}: {PLACEMENT_CHECKS[code][0].lower()}{PLACEMENT_CHECKS[code][1:]}"
                )
    return blockers


DATES = ("start_date", "ended_on", "safeguarding_confirmation_received", "last_review")


def as_shown(placements):
    """The placements with their ISO dates as dates, for the pages that show them."""
    return [{**p, **{key: date.fromisoformat(p[key]) for key in DATES if p.get(key)}} for p in placements]
