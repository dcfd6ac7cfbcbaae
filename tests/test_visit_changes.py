"""POST /api/visit-changes: several visits' changes in one request, each answered as its own
PUT /api/visits/{uuid} would answer it, saved once per key whichever way it was sent."""

import uuid

from qa_app.api.put import MAX_BATCH
from qa_app.extensions import db
from qa_app.visits.models import Visit
from tests.test_api import full_visit, put, visits


def change(body, record=None, key=None, version=None):
    return {
        "uuid": record or str(uuid.uuid4()),
        "idempotency_key": key or str(uuid.uuid4()),
        "if_match": version,
        "body": body,
    }


def send(client, *changes):
    return client.post("/api/visit-changes", json={"changes": list(changes)})


def test_each_change_is_saved_and_answered_in_order(client, signed_in, make_provider):
    signed_in("officer")
    first, second = make_provider(), make_provider()
    sent = [change(full_visit(first.id)), change(full_visit(second.id, status="submitted"))]
    response = send(client, *sent)
    assert response.status_code == 200
    answers = response.get_json()["answers"]
    assert [(a["uuid"], a["idempotency_key"], a["status"]) for a in answers] == [
        (c["uuid"], c["idempotency_key"], 201) for c in sent
    ]
    assert [a["body"]["status"] for a in answers] == ["draft", "submitted"]
    assert answers[0]["body"]["version"] == 1
    assert visits() == 2
    stored = db.session.scalars(db.select(Visit.uuid).order_by(Visit.id)).all()
    assert stored == [c["uuid"] for c in sent]


def test_a_batch_sent_again_gets_the_stored_answers_and_saves_nothing_twice(client, signed_in, make_provider):
    """The tablet never heard the answer and sends the same batch again."""
    signed_in("officer")
    sent = [change(full_visit(make_provider().id)) for _ in range(3)]
    first = send(client, *sent).get_json()["answers"]
    again = send(client, *sent).get_json()["answers"]
    assert again == first
    assert visits() == 3


def test_a_key_answered_in_a_batch_gets_the_same_answer_from_its_own_put(client, signed_in, make_provider):
    """The fingerprint is the PUT's: a change sent in a batch whose answer was lost, and
    resent as its own PUT (or the other way round), is saved once."""
    signed_in("officer")
    provider = make_provider()
    sent = change(full_visit(provider.id))
    batched = send(client, sent).get_json()["answers"][0]
    alone = put(client, sent["uuid"], sent["body"], key=sent["idempotency_key"])
    assert alone.status_code == 201 and alone.get_json() == batched["body"]
    later = change(full_visit(provider.id, strengths="Better still"), record=sent["uuid"], version=1)
    alone = put(client, later["uuid"], later["body"], key=later["idempotency_key"], version=1)
    assert alone.status_code == 200
    batched = send(client, later).get_json()["answers"][0]
    assert (batched["status"], batched["body"]) == (200, alone.get_json())
    assert visits() == 1


def test_one_bad_change_is_refused_alone(client, signed_in, make_provider):
    """A refused change is answered with its own status and errors; the others are saved."""
    signed_in("officer")
    provider = make_provider()
    good = change(full_visit(provider.id))
    bad = change(full_visit(make_provider().id, visit_type="surprise"))
    no_key = change(full_visit(make_provider().id), key="not-a-key")
    stale = change(full_visit(provider.id, strengths="Mine"), record=good["uuid"], version=7)
    answers = send(client, good, bad, no_key, stale).get_json()["answers"]
    assert [a["status"] for a in answers] == [201, 400, 400, 409]
    assert "visit_type" in answers[1]["body"]["fields"]
    assert answers[2]["body"]["error"] == "idempotency_key_required"
    assert answers[3]["body"]["error"] == "conflict" and answers[3]["body"]["conflict_id"]
    assert visits() == 1


def test_a_key_used_for_another_change_is_422_in_its_answer(client, signed_in, make_provider):
    signed_in("officer")
    provider = make_provider()
    sent = change(full_visit(provider.id))
    send(client, sent)
    reused = {**sent, "body": full_visit(provider.id, strengths="Something else")}
    answer = send(client, reused).get_json()["answers"][0]
    assert answer["status"] == 422 and answer["body"]["error"] == "idempotency_key_reused"


def test_a_malformed_batch_is_400_and_saves_nothing(client, signed_in, make_provider):
    signed_in("officer")
    body = full_visit(make_provider().id)
    for sent, field in (
        ({}, "changes"),
        ({"changes": []}, "changes"),
        ({"changes": [change(body)] * (MAX_BATCH + 1)}, "changes"),
        ({"changes": [{**change(body), "if_match": "3"}]}, "changes[0].if_match"),
        ({"changes": [{**change(body), "extra": 1}]}, "changes[0].extra"),
    ):
        response = client.post("/api/visit-changes", json=sent)
        assert response.status_code == 400, sent
        assert field in response.get_json()["fields"], response.get_json()
    response = client.post("/api/visit-changes", data="{", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "malformed_json"
    assert visits() == 0


def test_only_those_who_make_visits_may_send_them(client, signed_in, make_provider):
    body = {"changes": [change(full_visit(make_provider().id))]}
    assert client.post("/api/visit-changes", json=body).status_code == 401
    for role in ("school", "admin", "provider"):
        signed_in(role)
        assert client.post("/api/visit-changes", json=body).status_code == 403, role
    assert visits() == 0
