"""One answer per Idempotency-Key: copies of one PUT that arrive together, as a tablet
resends a request that looked lost, each on its own connection, all get the first one's
stored answer, and the record is written once. A copy that cannot get that answer in time
is told the request is still in progress (409 in_progress, with Retry-After)."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from qa_app.api import idempotency
from qa_app.api.receipts import SyncReceipt
from qa_app.auth.models import School
from qa_app.extensions import db
from qa_app.placements.models import Placement, PlacementConflict
from qa_app.visits.models import Visit, VisitConflict
from tests.factories import placement_body
from tests.test_api import full_visit

COPIES = 20


@pytest.fixture
def app(make_app):
    """An app whose copies wait long enough for the first request on a busy machine, with
    a database connection for each copy."""
    app = make_app(
        IDEMPOTENCY_WAIT_SECONDS=60,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "pool_size": COPIES + 5},
    )
    with app.app_context():
        yield app
        db.session.rollback()


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def at_once(app, client, path, body, headers, monkeypatch, timing, copies=COPIES):
    """Send `copies` copies of one PUT together, each from its own client (and so its own
    database connection), signed in as `client` is; [(status, JSON, ETag, key echoed)].

    Every copy looks for a stored answer before any has stored one, then, by `timing`:
    "together", all go on at once; "after_the_first", the others go on once the first
    copy has answered (each copy is a request still running when the first commits)."""
    everyone_looked = threading.Barrier(copies, timeout=60)
    first_answered = threading.Event()
    first = threading.Lock()
    copy = threading.local()
    real_stored_answer = idempotency.stored_answer

    def stored_answer_once_all_have_looked(*args):
        answer = real_stored_answer(*args)
        if answer is None and not getattr(copy, "looked", False):
            copy.looked = True
            everyone_looked.wait()
            copy.first = first.acquire(blocking=False)
            if timing == "after_the_first" and not copy.first:
                first_answered.wait(60)
        return answer

    monkeypatch.setattr(idempotency, "stored_answer", stored_answer_once_all_have_looked)
    cookie = client.get_cookie("qa_session").value
    clients = []
    for _ in range(copies):
        other = app.test_client()
        other.set_cookie("qa_session", cookie)
        clients.append(other)

    def send(other):
        response = other.put(path, json=body, headers=headers)
        if getattr(copy, "first", False):
            first_answered.set()
        return (
            response.status_code,
            response.get_json(),
            response.headers.get("ETag"),
            response.headers.get("Idempotency-Key"),
        )

    with ThreadPoolExecutor(copies) as pool:
        return list(pool.map(send, clients))


@pytest.fixture(params=["together", "after_the_first"])
def timing(request):
    """When the copies go on after looking for a stored answer (see at_once)."""
    return request.param


def assert_one_answer(answers, status):
    """Every copy got the same 2xx answer: status, body and headers."""
    assert {answer[0] for answer in answers} == {status}, [a[:2] for a in answers if a[0] != status][:3]
    assert all(answer == answers[0] for answer in answers)


def test_copies_of_a_new_visit_get_one_answer(app, client, signed_in, make_provider, monkeypatch, timing):
    officer = signed_in("officer")
    provider = make_provider(officer_id=officer.id)
    visit_uuid, key = str(uuid.uuid4()), str(uuid.uuid4())
    answers = at_once(
        app,
        client,
        f"/api/visits/{visit_uuid}",
        full_visit(provider.id),
        {"Idempotency-Key": key},
        monkeypatch,
        timing,
    )
    assert_one_answer(answers, 201)
    assert answers[0][1]["version"] == 1 and answers[0][3] == key
    assert count(Visit) == 1 and count(SyncReceipt) == 1


def test_copies_of_a_visit_update_get_one_answer_and_no_conflict(
    app, client, signed_in, make_provider, monkeypatch, timing
):
    officer = signed_in("officer")
    provider = make_provider(officer_id=officer.id)
    visit_uuid = str(uuid.uuid4())
    path = f"/api/visits/{visit_uuid}"
    body = full_visit(provider.id)
    assert client.put(path, json=body, headers={"Idempotency-Key": str(uuid.uuid4())}).status_code == 201
    update = {**body, "strengths": "Pupils lead their own reviews"}
    answers = at_once(
        app,
        client,
        path,
        update,
        {"Idempotency-Key": str(uuid.uuid4()), "If-Match": '"1"'},
        monkeypatch,
        timing,
    )
    assert_one_answer(answers, 200)
    assert answers[0][1]["version"] == 2 and answers[0][2] == '"2"'
    assert count(Visit) == 1 and count(VisitConflict) == 0
    assert db.session.scalar(select(Visit.strengths)) == "Pupils lead their own reviews"


def test_copies_of_a_new_placement_get_one_answer(app, client, signed_in, make_provider, monkeypatch, timing):
    user = signed_in("school", school="Riverside Academy")
    school = db.session.get(School, user.school_id)
    placement_uuid, key = str(uuid.uuid4()), str(uuid.uuid4())
    body = placement_body(school, make_provider())
    answers = at_once(
        app, client, f"/api/placements/{placement_uuid}", body, {"Idempotency-Key": key}, monkeypatch, timing
    )
    assert_one_answer(answers, 201)
    assert answers[0][1]["uuid"] == placement_uuid and answers[0][3] == key
    assert count(Placement) == 1 and count(SyncReceipt) == 1


def test_copies_of_a_placement_update_get_one_answer_and_no_conflict(
    app, client, signed_in, make_provider, monkeypatch, timing
):
    user = signed_in("school", school="Riverside Academy")
    school = db.session.get(School, user.school_id)
    placement_uuid = str(uuid.uuid4())
    path = f"/api/placements/{placement_uuid}"
    body = placement_body(school, make_provider())
    assert client.put(path, json=body, headers={"Idempotency-Key": str(uuid.uuid4())}).status_code == 201
    answers = at_once(
        app,
        client,
        path,
        {**body, "year_group": 11},
        {"Idempotency-Key": str(uuid.uuid4()), "If-Match": '"1"'},
        monkeypatch,
        timing,
    )
    assert_one_answer(answers, 200)
    assert answers[0][1]["version"] == 2 and answers[0][1]["year_group"] == 11
    assert count(Placement) == 1 and count(PlacementConflict) == 0


@pytest.mark.parametrize("kind", ["visits", "placements"])
def test_a_copy_that_cannot_wait_longer_is_told_to_retry(app, client, signed_in, make_provider, kind):
    """While another transaction holds the key (the first request, still running), a copy
    that waits past the bound gets 409 in_progress with Retry-After, never a failure or a
    conflict; once the key is free, the same request saves."""
    user = signed_in("officer") if kind == "visits" else signed_in("school", school="Riverside Academy")
    provider = make_provider(officer_id=user.id)
    body = full_visit(provider.id) if kind == "visits" else placement_body(user.school, provider)
    record_uuid, key = str(uuid.uuid4()), str(uuid.uuid4())
    app.config["IDEMPOTENCY_WAIT_SECONDS"] = 0.3
    with db.engine.connect() as first:
        holding = first.begin()
        first.execute(
            SyncReceipt.__table__.insert().values(
                key=key, user_id=user.id, record_uuid=record_uuid, request_hash="", status_code=0, response={}
            )
        )
        waiting = client.put(f"/api/{kind}/{record_uuid}", json=body, headers={"Idempotency-Key": key})
        holding.rollback()
    assert waiting.status_code == 409 and waiting.headers["Retry-After"] == "1"
    assert waiting.get_json()["error"] == "in_progress"
    assert count(Visit) + count(Placement) == 0
    again = client.put(f"/api/{kind}/{record_uuid}", json=body, headers={"Idempotency-Key": key})
    assert again.status_code == 201 and count(Visit) + count(Placement) == 1
