"""The sync API: session, PUT/GET visits with idempotency keys and versions, sign-off."""

import uuid
from datetime import date, timedelta

import pytest

from qa_app.api.receipts import SyncReceipt
from qa_app.extensions import db
from qa_app.framework.services import current_version
from qa_app.visits.models import Visit, VisitConflict, VisitEvent


def full_visit(provider, status="draft", **overrides):
    """A visit body judging every criterion: Amber overall (QE1 partly met)."""
    judgements = [
        {"criterion": c.code, "rating": "met", "evidence": ""} for c in current_version().active_criteria()
    ]
    judgements[0] = {"criterion": "QE1", "rating": "partly_met", "evidence": "Tracker not updated since June"}
    body = {
        "provider_id": provider,
        "visit_date": (date.today() - timedelta(days=1)).isoformat(),
        "visit_type": "scheduled",
        "framework_version": "2025-2026",
        "status": status,
        "judgements": judgements,
        "theme_notes": {"SG": "DSL knowledgeable"},
        "strengths": "Calm, purposeful classrooms",
        "actions": [{"description": "Update the tracker", "owner": "provider", "due": "2027-01-31"}],
    }
    body.update(overrides)
    return body


@pytest.fixture
def provider(make_provider):
    return make_provider()


def put(client, visit_uuid, body, key=None, version=None, **headers):
    headers = {"Idempotency-Key": key or str(uuid.uuid4()), **headers}
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return client.put(f"/api/visits/{visit_uuid}", json=body, headers=headers)


def visits():
    return db.session.scalar(db.select(db.func.count(Visit.id)))


def test_session_gives_user_and_csrf_token(client, signed_in):
    """GET /api/session names the user and hands out a CSRF token."""
    officer = signed_in("officer")
    data = client.get("/api/session").get_json()
    assert data["user"]["email"] == officer.email and data["csrf_token"]


def test_signed_out_callers_get_json_401(client):
    """The API never redirects to the sign-in page."""
    for response in (client.get("/api/session"), put(client, uuid.uuid4(), {})):
        assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"


def test_create_and_read_a_visit(client, signed_in, provider):
    """PUT creates (201) with version 1 and ratings; GET returns the same."""
    signed_in("officer")
    visit_uuid = str(uuid.uuid4())
    response = put(client, visit_uuid, full_visit(provider.id))
    assert response.status_code == 201
    data = response.get_json()
    assert data["version"] == 1 and data["overall_rag"] == "amber" and data["theme_rag"]["QE"] == "amber"
    assert data["why"]["QE"] == [
        "QE1 Clear educational purpose, with rigorous tracking of each pupil's progress: partly met"
    ]
    assert response.headers["ETag"] == '"1"'
    fetched = client.get(f"/api/visits/{visit_uuid}").get_json()
    assert fetched == data


def test_same_key_same_body_returns_the_stored_answer(client, signed_in, provider):
    """A retry after a lost answer gets the stored answer and makes no second visit."""
    signed_in("officer")
    visit_uuid, key, body = str(uuid.uuid4()), str(uuid.uuid4()), full_visit(provider.id)
    first = put(client, visit_uuid, body, key=key)
    second = put(client, visit_uuid, body, key=key)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.get_json() == second.get_json()
    assert visits() == 1


def test_same_key_other_body_is_422(client, signed_in, provider):
    """Reusing a key for a different body is refused and changes nothing."""
    signed_in("officer")
    visit_uuid, key = str(uuid.uuid4()), str(uuid.uuid4())
    put(client, visit_uuid, full_visit(provider.id), key=key)
    response = put(client, visit_uuid, full_visit(provider.id, strengths="Something else"), key=key)
    assert response.status_code == 422
    assert db.session.scalar(db.select(Visit.strengths)) == "Calm, purposeful classrooms"


def test_update_needs_the_current_version(client, signed_in, provider):
    """An update names its version; the current one succeeds and bumps it."""
    signed_in("officer")
    visit_uuid = str(uuid.uuid4())
    put(client, visit_uuid, full_visit(provider.id))
    assert put(client, visit_uuid, full_visit(provider.id)).status_code == 428
    response = put(client, visit_uuid, full_visit(provider.id, strengths="Better"), version=1)
    assert response.status_code == 200 and response.get_json()["version"] == 2


def test_stale_version_is_409_and_the_losing_copy_is_kept(client, signed_in, provider):
    """Two edits from version 1: the second gets 409 and its copy is stored as a conflict."""
    signed_in("officer")
    visit_uuid = str(uuid.uuid4())
    put(client, visit_uuid, full_visit(provider.id))
    assert put(client, visit_uuid, full_visit(provider.id, strengths="Tab A"), version=1).status_code == 200
    response = put(client, visit_uuid, full_visit(provider.id, strengths="Tab B"), version=1)
    assert response.status_code == 409
    data = response.get_json()
    assert data["error"] == "conflict" and data["current"]["strengths"] == "Tab A"
    conflict = db.session.get(VisitConflict, data["conflict_id"])
    assert conflict.payload["strengths"] == "Tab B" and conflict.base_version == 1
    assert db.session.scalar(db.select(Visit.strengths)) == "Tab A"


def test_submitted_visit_cannot_change(client, signed_in, provider):
    """Once submitted, PUT answers 409 and the visit stays as it was."""
    signed_in("officer")
    visit_uuid = str(uuid.uuid4())
    assert put(client, visit_uuid, full_visit(provider.id, status="submitted")).status_code == 201
    response = put(client, visit_uuid, full_visit(provider.id, strengths="Late change"), version=1)
    assert response.status_code == 409 and response.get_json()["error"] == "locked"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"visit_date": "20-11-2026"}, "visit_date"),
        ({"visit_date": 20261120}, "visit_date"),
        ({"provider_id": "12"}, "provider_id"),
        ({"provider_id": 999999}, "provider_id"),
        ({"visit_type": "phone_call"}, "visit_type"),
        ({"colour": "blue"}, "colour"),
        (
            {"judgements": [{"criterion": "SG1", "rating": "excellent", "evidence": "x"}]},
            "judgements[0].rating",
        ),
        ({"judgements": [{"criterion": "ZZ9", "rating": "met"}]}, "judgements[0].criterion"),
        (
            {"judgements": [{"criterion": "SG1", "rating": "not_met", "evidence": ""}]},
            "judgements[0].evidence",
        ),
        ({"judgements": [{"criterion": "SG1", "rating": "met", "mood": "ok"}]}, "judgements[0].mood"),
        ({"judgements": "all met"}, "judgements"),
        (
            {"actions": [{"description": "Fix it", "owner": "provider", "due": "2020-01-01"}]},
            "actions[0].due",
        ),
        ({"pupils_seen": -1}, "pupils_seen"),
        ({"pupils_seen": True}, "pupils_seen"),
        ({"theme_notes": {"XX": "note"}}, "theme_notes.XX"),
        ({"strengths": 42}, "strengths"),
        ({"framework_version": "1999-2000"}, "framework_version"),
    ],
)
def test_bad_input_is_400_naming_the_field(client, signed_in, provider, change, field):
    """Wrong types, unknown fields and broken rules are 400 with the field named; nothing saved."""
    signed_in("officer")
    response = put(client, str(uuid.uuid4()), full_visit(provider.id, **change))
    assert response.status_code == 400
    assert field in response.get_json()["fields"]
    assert visits() == 0


def test_future_date_only_blocks_submission(client, signed_in, provider):
    """A planned visit may be dated ahead as a draft but cannot be submitted."""
    signed_in("officer")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert put(client, str(uuid.uuid4()), full_visit(provider.id, visit_date=tomorrow)).status_code == 201
    response = put(
        client, str(uuid.uuid4()), full_visit(provider.id, visit_date=tomorrow, status="submitted")
    )
    assert response.status_code == 400 and "visit_date" in response.get_json()["fields"]


def test_submission_needs_every_criterion_judged(client, signed_in, provider):
    """Submitting with criteria unjudged is refused, naming them."""
    signed_in("officer")
    body = full_visit(provider.id, status="submitted")
    body["judgements"] = body["judgements"][:5]
    response = put(client, str(uuid.uuid4()), body)
    assert response.status_code == 400 and "criterion.SG1" in response.get_json()["fields"]


def test_insufficient_evidence_needs_a_reason_to_submit(client, signed_in, provider):
    """A theme mostly not seen blocks submission until the officer records why."""
    signed_in("officer")
    body = full_visit(provider.id, status="submitted")
    for judgement in body["judgements"]:
        if judgement["criterion"].startswith("HS"):
            judgement.update(rating="not_seen", evidence="Site manager absent")
    response = put(client, str(uuid.uuid4()), body)
    assert "insufficient_reasons.HS" in response.get_json()["fields"]
    body["insufficient_reasons"] = {"HS": "Visit cut short by a fire alarm; revisit booked"}
    assert put(client, str(uuid.uuid4()), body).status_code == 201


def test_malformed_json_is_400(client, signed_in):
    """A body that is not JSON is a JSON 400, never a 500."""
    signed_in("officer")
    response = client.put(
        f"/api/visits/{uuid.uuid4()}",
        data="{not json",
        content_type="application/json",
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 400 and response.get_json()["error"] == "malformed_json"


def test_missing_idempotency_key_is_400(client, signed_in, provider):
    """Every PUT needs an Idempotency-Key."""
    signed_in("officer")
    response = client.put(f"/api/visits/{uuid.uuid4()}", json=full_visit(provider.id))
    assert response.status_code == 400 and response.get_json()["error"] == "idempotency_key_required"


def test_foreign_origin_and_plain_text_are_refused(client, signed_in, provider):
    """Writes must be JSON from this site."""
    signed_in("officer")
    response = put(client, str(uuid.uuid4()), full_visit(provider.id), Origin="https://evil.example")
    assert response.status_code == 403
    response = client.put(
        f"/api/visits/{uuid.uuid4()}",
        data="x=1",
        content_type="text/plain",
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 415


def test_other_officers_visit_is_404(client, signed_in, provider):
    """Another officer can neither read nor overwrite a visit (404), and nothing changes."""
    visit_uuid = str(uuid.uuid4())
    signed_in("officer")
    put(client, visit_uuid, full_visit(provider.id))
    client.post("/logout")
    signed_in("officer")
    assert client.get(f"/api/visits/{visit_uuid}").status_code == 404
    assert (
        put(client, visit_uuid, full_visit(provider.id, strengths="Mine now"), version=1).status_code == 404
    )
    assert db.session.scalar(db.select(Visit.strengths)) == "Calm, purposeful classrooms"


def test_school_users_cannot_use_the_visit_api(client, signed_in, provider):
    """School staff cannot create or read visits."""
    signed_in("school")
    assert put(client, str(uuid.uuid4()), full_visit(provider.id)).status_code == 404
    assert visits() == 0


def test_sign_off_updates_the_register(client, signed_in, provider):
    """The Head of Access signs off a submitted visit; the provider is then rated by it."""
    signed_in("officer")
    visit_uuid = str(uuid.uuid4())
    put(client, visit_uuid, full_visit(provider.id, status="submitted"))
    assert client.post(f"/api/visits/{visit_uuid}/sign-off").status_code == 403
    client.post("/logout")
    signed_in("head_of_access")
    response = client.post(f"/api/visits/{visit_uuid}/sign-off")
    assert response.status_code == 200 and response.get_json()["status"] == "signed_off"
    db.session.refresh(provider)
    assert provider.rating_rag == "amber" and provider.qa_status()[0] == "quality_assured"
    assert client.post(f"/api/visits/{visit_uuid}/sign-off").status_code == 409


def test_every_change_is_in_the_audit_trail(client, signed_in, provider):
    """Create, change and submit each leave an event naming what changed."""
    signed_in("officer")
    visit_uuid = str(uuid.uuid4())
    put(client, visit_uuid, full_visit(provider.id))
    body = full_visit(provider.id, strengths="Changed")
    body["judgements"][1] = {"criterion": "QE2", "rating": "not_met", "evidence": "No baseline"}
    put(client, visit_uuid, body, version=1)
    put(client, visit_uuid, {**body, "status": "submitted"}, version=2)
    events = db.session.scalars(db.select(VisitEvent).order_by(VisitEvent.id)).all()
    assert [e.action for e in events] == ["create", "change", "submit"]
    assert {"field": "strengths"} in events[1].changes
    assert {"field": "QE2", "from": "Met", "to": "Not met"} in events[1].changes


def test_receipts_are_kept_per_key(client, signed_in, provider):
    """Each successful write stores one receipt under its key."""
    signed_in("officer")
    key = str(uuid.uuid4())
    put(client, str(uuid.uuid4()), full_visit(provider.id), key=key)
    assert db.session.get(SyncReceipt, key).status_code == 201


def test_two_concurrent_puts_with_one_key_make_one_visit(app, signed_in, client, provider, monkeypatch):
    """Two requests with the same key racing past the receipt check still end in one visit."""
    import threading

    from qa_app.api import idempotency as routes

    signed_in("officer")

    barrier = threading.Barrier(2, timeout=10)
    real_stored_answer = routes.stored_answer

    def racing_stored_answer(*args):
        answer = real_stored_answer(*args)
        if answer is None:
            barrier.wait()  # both requests have seen "no receipt yet"
        return answer

    monkeypatch.setattr(routes, "stored_answer", racing_stored_answer)
    cookie = client.get_cookie("qa_session").value
    visit_uuid, key, body = str(uuid.uuid4()), str(uuid.uuid4()), full_visit(provider.id)
    results = []

    def send():
        other = app.test_client()
        other.set_cookie("qa_session", cookie)
        response = put(other, visit_uuid, body, key=key)
        results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [status for status, _ in results] == [201, 201]
    assert results[0][1] == results[1][1]
    assert visits() == 1


def test_a_change_to_evidence_alone_bumps_the_version(client, signed_in, provider):
    """Changing only a judgement's evidence is a new version, so a stale copy cannot overwrite it."""
    signed_in("officer")
    visit_uuid = str(uuid.uuid4())
    put(client, visit_uuid, full_visit(provider.id))
    body = full_visit(provider.id)
    body["judgements"][0]["evidence"] = "Tracker updated in October, gaps remain"
    response = put(client, visit_uuid, body, version=1)
    assert response.get_json()["version"] == 2
    stale = full_visit(provider.id)
    stale["judgements"][0]["evidence"] = "Older text from another tab"
    assert put(client, visit_uuid, stale, version=1).status_code == 409
    unchanged = put(client, visit_uuid, body, version=2)
    assert unchanged.status_code == 200 and unchanged.get_json()["version"] == 2
