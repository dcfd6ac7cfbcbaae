"""School visits for tests, made the way the app makes them: the officer saves a draft
through the real save path, answers the placement checks and submits it, and the Head of
Access signs it off."""

import uuid as uuid_module
from datetime import date, timedelta

from qa_app.extensions import db
from qa_app.framework.services import current_version
from qa_app.visits.school_placements import checks_needed, placements_to_check
from qa_app.visits.services import sign_off
from tests.factories import save, submit


def school_ratings(**overrides):
    """Every school criterion judged met, except those overridden ({code: rating})."""
    return {c.code: "met" for c in current_version("school").active_criteria()} | overrides


def all_checks(visit, answer="yes", note=""):
    """Every check the visit's placements need, given the same answer (and note)."""
    checks = {}
    for placement in placements_to_check(visit):
        checks[placement["uuid"]] = {code: answer for code in checks_needed(placement)}
        if note:
            checks[placement["uuid"]]["note"] = note
    return checks


def make_school_visit(
    officer, school, status="signed_off", days_ago=10, ratings=None, reviewer=None, **fields
):
    """A committed school visit of this status ("draft", "submitted" or "signed_off");
    non-met judgements get evidence, and a submitted visit answers every placement check
    (`placement_checks` overrides them)."""
    ratings = ratings if ratings is not None else school_ratings()
    checks = fields.pop("placement_checks", None)
    body = {
        "school_id": school.id,
        "visit_date": (date.today() - timedelta(days=days_ago)).isoformat(),
        "status": "draft",
        "judgements": [
            {"criterion": code, "rating": rating, "evidence": "" if rating == "met" else "Evidence seen"}
            for code, rating in ratings.items()
        ],
        **fields,
    }
    visit, _ = save(officer, str(uuid_module.uuid4()), body)
    if status != "draft":
        body["placement_checks"] = checks if checks is not None else all_checks(visit)
        visit = submit(officer, visit, body)
    if status == "signed_off":
        sign_off(reviewer, visit)
    db.session.commit()
    return visit
