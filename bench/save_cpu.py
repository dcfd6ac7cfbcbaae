"""The CPU of a save in-process: a whole visit (`PUT /api/visits/<uuid>`, the body of
bench.visits, submitted) and a new placement (`PUT /api/placements/<uuid>`, a school user's,
at a provider not known to be registered, so the registration test across schools runs
again for it), each through Flask's test client, signed in through the sign-in form.

Goal: 8 ms of CPU or less for each (docs/architecture.md, the path of a save).
"""

import gc
import json
import statistics
import time
import uuid
from datetime import date, timedelta

from sqlalchemy import select

from bench import authority, data, visits
from bench.queries import signed_in_client
from qa_app.auth.models import User
from qa_app.extensions import db
from qa_app.providers.models import Provider

GOAL_MS = 8.0


def _put(client, token, kind, body):
    headers = {"Idempotency-Key": str(uuid.uuid4()), "X-CSRFToken": token}
    response = client.put(
        f"/api/{kind}s/{uuid.uuid4()}", data=body, content_type="application/json", headers=headers
    )
    if response.status_code != 201:
        raise RuntimeError(
            f"PUT /api/{kind}s answered {response.status_code}: {response.get_data(as_text=True)[:2000]}"
        )


def visit_saver(app, email=data.SIGN_IN_EMAIL, password=data.SIGN_IN_PASSWORD):
    """A function that saves the whole visit as a new visit each time (to a provider of
    its own, added here), signed in as `email`, and checks the 201."""
    client = signed_in_client(app, email, password)
    token = client.get("/api/session").get_json()["csrf_token"]
    body = json.dumps(visits.add_sync_provider(app, name=f"Bench Save Provider {uuid.uuid4().hex[:6]}"))
    return lambda: _put(client, token, "visit", body)


def placement_saver(app, email=authority.SCHOOL_EMAIL, password=authority.PASSWORD):
    """A function that saves a new placement of the school user's school each time, at the
    providers not known to be registered in turn (with the school's reason, which some
    need), and checks the 201."""
    with app.app_context():
        school_id = db.session.scalar(select(User.school_id).where(User.email == email))
        provider_ids = db.session.scalars(
            select(Provider.id)
            .where(Provider.registration_status.in_(("unregistered", "not_known")))
            .order_by(Provider.id)
        ).all()
    client = signed_in_client(app, email, password)
    token = client.get("/api/session").get_json()["csrf_token"]
    start = date.today() - timedelta(days=3)
    made = [0]
    prefix = f"S{uuid.uuid4().hex[:6].upper()}-"  # each saver's pupils its own

    def save():
        made[0] += 1
        body = {
            "school_id": school_id,
            "pupil_ref": f"{prefix}{made[0]:06d}",
            "year_group": 9,
            "provider_id": provider_ids[made[0] % len(provider_ids)],
            "reason": "semh_support",
            "start_date": start.isoformat(),
            "planned_end_date": (start + timedelta(days=120)).isoformat(),
            "days_per_week": 2,
            "hours_per_week": 6.0,
            "placing_reason": "The only provider near home with a place this term",
        }
        _put(client, token, "placement", json.dumps(body))

    return save


def measure(app, rounds=9, requests=10, warmup=5):
    """{"visit": CPU ms, "placement": CPU ms} per save: the median of `rounds` rounds of
    `requests` saves each, the two kinds taken in turn."""
    savers = {"visit": visit_saver(app), "placement": placement_saver(app)}
    for save in savers.values():
        for _ in range(warmup):
            save()
    timings = {kind: [] for kind in savers}
    for number in range(rounds):
        for kind in savers if number % 2 == 0 else reversed(savers):
            gc.collect()
            started = time.process_time()
            for _ in range(requests):
                savers[kind]()
            timings[kind].append((time.process_time() - started) * 1000 / requests)
    return {kind: round(statistics.median(values), 2) for kind, values in timings.items()}
