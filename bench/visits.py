"""The visits the benchmark saves and shows: a fully judged six-theme visit body, providers
with one and with twenty earlier visits, and the SQL of the visit page for each.

The same body is what the load PUTs to the sync API (bench/wrk_put_visit.lua, or
bench/pyload.py without wrk), so the load saves the visit an officer's tablet would send
at the end of a visit. Every visit here is saved through bench.saves.
"""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import create_engine, func, select

from bench import data
from bench.queries import page_queries, signed_in_client
from bench.saves import save, save_signed_off
from qa_app.auth.services import find_user_by_email
from qa_app.extensions import db
from qa_app.framework.services import current_version
from qa_app.providers.models import Provider
from qa_app.visits.models import Action, Visit

HISTORIES = (1, 20)  # earlier signed-off visits of the providers whose visit page is counted
STATES = ("draft", "submitted")  # the officer's task list, then the full read-only record
THEME_NOTES = {
    "SG": "The designated safeguarding lead knew each pupil's plan and recent concerns.",
    "HS": "Fire drill log up to date; the workshop's extraction fan was out of use.",
    "QE": "Lessons were planned from pupils' starting points; marking was thin in maths.",
    "PD": "Tutor time covered consent and online safety; careers advice was booked.",
    "LM": "Governance minutes show the trustees challenge attendance figures.",
    "SE": "The referring schools receive attendance daily and a report each half-term.",
}
PAGE_MARKERS = {"draft": "Complete the visit", "submitted": "Judgements"}


def judgements(version):
    """Every active criterion judged: mostly met, some partly met, one not met a theme.

    The second criterion of each theme is partly met and the fourth not met (partly met
    when it is critical, so no theme turns Red), each with a sentence of evidence.
    """
    judged, place = [], {}
    for criterion in version.active_criteria():
        place[criterion.theme] = place.get(criterion.theme, 0) + 1
        rating = {2: "partly_met", 4: "partly_met" if criterion.critical else "not_met"}.get(
            place[criterion.theme], "met"
        )
        evidence = (
            ""
            if rating == "met"
            else f"{criterion.code}: seen in part only; the records shown did not cover every pupil on roll."
        )
        judged.append({"criterion": criterion.code, "rating": rating, "evidence": evidence})
    return judged


def full_visit_body(version, provider_id, visit_date, status="draft", action_outcomes=None, actions=None):
    """The JSON body of a whole visit, as PUT /api/visits/<uuid> takes it."""
    if actions is None:
        actions = [
            ("Bring the maths tracker up to date for every pupil on roll", "provider", 42),
            ("Send the weekly attendance return to the referring schools", "authority", 14),
        ]
    return {
        "provider_id": provider_id,
        "visit_date": visit_date.isoformat(),
        "visit_type": "scheduled",
        "framework_version": version.name,
        "status": status,
        "people_met": "Head of centre; designated safeguarding lead; two pupils; a parent",
        "pupils_seen": 14,
        "judgements": judgements(version),
        "theme_notes": dict(THEME_NOTES),
        "strengths": "Calm, purposeful classrooms and staff who know every pupil well.",
        "pupil_voice": "Pupils said they feel safe and that staff listen to them.",
        "actions": [
            {"description": text, "owner": owner, "due": (visit_date + timedelta(days=days)).isoformat()}
            for text, owner, days in actions
        ],
        "action_outcomes": action_outcomes or {},
    }


def add_provider(name):
    """A provider out of the borough and not yet rated, so the benchmarked register never lists it."""
    provider = Provider(
        name=name,
        address="1 Bench Road, Out of area",
        postcode="RM1 1AA",
        borough="Out of area",
        registration_status="unregistered",
    )
    db.session.add(provider)
    db.session.flush()
    return provider


def add_earlier_visits(provider, count, officer, head, version, today):
    """`count` fully judged visits 120 days apart, oldest first, each saved, submitted and
    signed off through the services, with two actions left open (so the next visit has
    every one of them to mark)."""
    actions = [("Update the tracker", "provider", 30), ("Review the fire log", "provider", 30)]
    for number in reversed(range(count)):
        when = today - timedelta(days=120 * (number + 1))
        body = full_visit_body(version, provider.id, when, actions=actions)
        body["strengths"] = "Staff know every pupil well."
        save_signed_off(officer, head, body)


@dataclass
class VisitPages:
    """The visit page's SQL: {earlier visits: {state: PageQueries}}."""

    counted: dict

    def counts(self):
        return {
            history: {state: page.count for state, page in pages.items()}
            for history, pages in self.counted.items()
        }


def count_visit_pages(app, email, password, today=None):
    """For a provider with each number of HISTORIES, save a fully judged visit as the
    signed-in officer and count its page's SQL as a draft, then again once submitted."""
    today = today or date.today()
    with app.app_context():
        officer = find_user_by_email(email)
        head = find_user_by_email(data.HEAD_EMAIL)
        version = current_version()
        visits = {}
        for history in HISTORIES:
            provider = add_provider(f"Bench Provider With {history} Earlier Visits")
            add_earlier_visits(provider, history, officer, head, version, today)
            outcomes = {
                str(action_id): "done" if n % 2 else "not_done"
                for n, action_id in enumerate(
                    db.session.scalars(select(Action.id).where(Action.provider_id == provider.id))
                )
            }
            body = full_visit_body(version, provider.id, today - timedelta(days=1), action_outcomes=outcomes)
            visit_uuid = str(uuid.uuid4())
            save(officer, visit_uuid, body)
            visits[history] = (visit_uuid, body)
        db.session.commit()

    client = signed_in_client(app, email, password)
    counted = {history: {} for history in HISTORIES}
    for state in STATES:
        if state == "submitted":
            _submit_all(app, email, visits)
        for history, (visit_uuid, _) in visits.items():
            page = page_queries(app, client, f"/visits/{visit_uuid}")
            if page.status != 200 or PAGE_MARKERS[state] not in page.html:
                raise RuntimeError(
                    f"/visits/{visit_uuid} answered {page.status} in-process, not the {state} page"
                )
            counted[history][state] = page
    return VisitPages(counted)


def _submit_all(app, email, visits):
    """Submit each counted visit through save_visit, as the officer's last save does."""
    with app.app_context():
        officer = find_user_by_email(email)
        for visit_uuid, body in visits.values():
            version = db.session.scalar(select(Visit.version).where(Visit.uuid == visit_uuid))
            save(officer, visit_uuid, {**body, "status": "submitted"}, version)
        db.session.commit()


def add_sync_provider(app, today=None, name="Bench Sync Provider"):
    """A provider for the load's saved visits; returns the body of the visit the load saves."""
    today = today or date.today()
    with app.app_context():
        provider = add_provider(name)
        # Submitted, as a tablet's last save of a visit is: a draft would stay open, and an
        # officer may have one open visit to a provider at a time.
        body = full_visit_body(current_version(), provider.id, today - timedelta(days=1), status="submitted")
        db.session.commit()
    return body


def visits_of(url, provider_id):
    """How many visits the provider has in the database at `url` (read after the load)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            table = Visit.__table__
            return connection.scalar(
                select(func.count()).select_from(table).where(table.c.provider_id == provider_id)
            )
    finally:
        engine.dispose()
