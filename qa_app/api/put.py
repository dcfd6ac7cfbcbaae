"""One PUT for every record the tablet syncs (visits, placements): read the request,
save once per Idempotency-Key, and answer with the record and its version.

The rules, the same for each kind of record:
- `Idempotency-Key` (a UUID) is required; the same key and body again get the stored
  answer, even while the first request is still running (api/idempotency.py); the same
  key with another request is 422;
- `If-Match: "<version>"` is needed to change a stored record (else 428); a stale one is
  409 `conflict` and the caller's copy is kept;
- a copy whose first request is still running after the wait gets 409 `in_progress`
  with Retry-After: it retries with the same key, and nothing is wrong.
"""

import json
import re
from typing import Any

from flask import abort, current_app, jsonify, request
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field

from qa_app.api.errors import as_answer, error
from qa_app.api.idempotency import InProgress, KeyReused, answer_once, request_hash
from qa_app.domain import Conflict, DomainError, valid_uuid
from qa_app.extensions import db
from qa_app.schemas import MAX_ID, NOT_UNICODE, not_unicode, read

IF_MATCH = re.compile(r'\s*(?:W/)?"?([0-9]{1,100})"?\s*', re.ASCII)
# What a copy is told to wait before asking again while its first request runs.
RETRY_AFTER_SECONDS = 1
# Changes in one batch: a day's backlog goes in a few requests, each a few hundred KB at most.
MAX_BATCH = 25


class Change(BaseModel):
    """One record's change in a batch: what its own PUT sends in its path, headers and body."""

    model_config = ConfigDict(extra="forbid")

    uuid: str = Field(description="The record's UUID, as in PUT /api/<kind>s/{uuid}")
    idempotency_key: str = Field(description="A UUID: the change's Idempotency-Key")
    if_match: int | None = Field(
        None, ge=0, strict=True, description="The version the change is based on (If-Match)"
    )
    body: dict[str, Any] = Field(description="The record, as its PUT's body")


class Changes(BaseModel):
    """Several records' changes, sent together."""

    model_config = ConfigDict(extra="forbid")

    changes: list[Change] = Field(min_length=1, max_length=MAX_BATCH)


def put_headers(kind):
    """The request headers of a PUT, for the OpenAPI document."""
    return (
        ("Idempotency-Key", True, "A UUID; the same key and body again get the stored answer"),
        ("If-Match", False, f'The version this update is based on, such as "3"; required to change a {kind}'),
        ("X-CSRFToken", True, "The token from GET /api/session"),
    )


def if_match(kind):
    """The version named by If-Match ("3" or W/"3"), None when absent; 400 when unreadable.

    A version larger than any column holds is read as the largest: it is not the stored
    version, so the caller's copy is still kept as a conflict."""
    value = request.headers.get("If-Match")
    if value is None:
        return None
    found = IF_MATCH.fullmatch(value)
    if found is None:
        abort(400, f'If-Match must be a {kind} version such as "3"')
    return min(int(found[1]), MAX_ID)


def saved(kind, store, as_json):
    """(status, JSON body) of `store()` -> (record, created): 201 or 200 with the record; a
    refusal rolled back; a conflict with the caller's copy kept and the stored record."""
    try:
        record, created = store()
    except Conflict as conflict:
        return as_answer(conflict, conflict_id=conflict.kept.id, current=as_json(conflict.record))
    except DomainError as problem:
        db.session.rollback()
        status, answer = as_answer(problem)
        if status == 400:
            answer["message"] = f"The {kind} has errors."
        return status, answer
    return (201 if created else 200), as_json(record)


def _json_body(kind):
    """(the request's JSON body, None), or (None, the error answer) when it is not valid
    JSON or holds text that is not Unicode."""
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except (ValueError, RecursionError):
        return None, error(400, "malformed_json", "The body is not valid JSON (or is nested too deeply).")
    bad_text = not_unicode(body)
    if bad_text:
        return None, error(400, "invalid", f"The {kind} has errors.", fields={bad_text: NOT_UNICODE})
    return body, None


def put_once(kind, record_uuid, key, base_version, body, store, as_json):
    """(status, answer) of one synced write of a record, as its PUT answers it, whether it
    came as its own PUT or in a batch (the fingerprint is the PUT's, so a change first sent
    one way and resent the other gets the same stored answer). `record_uuid` and `key` are
    canonical UUIDs."""
    fingerprint = request_hash("PUT", f"/api/{kind}s/{record_uuid}", base_version, body)
    try:
        return answer_once(
            key,
            current_user.id,
            record_uuid,
            fingerprint,
            lambda: saved(kind, lambda: store(record_uuid, body, base_version), as_json),
            kind,
            current_app.config["IDEMPOTENCY_WAIT_SECONDS"],
        )
    except KeyReused:
        db.session.rollback()
        return 422, {
            "error": KeyReused.code,
            "message": "This Idempotency-Key was used for a different request.",
        }
    except InProgress:
        message = f"This {kind} is still being saved by an earlier request with this Idempotency-Key; retry."
        return 409, {"error": "in_progress", "message": message}


def idempotent_put(kind, record_uuid, store, as_json):
    """The whole PUT of a synced record: `store(uuid, body, base_version)` saves it through
    the feature's service and returns (record, created); `as_json(record)` is its answer."""
    key = valid_uuid(request.headers.get("Idempotency-Key", ""))
    if key is None:
        return error(400, "idempotency_key_required", "Send an Idempotency-Key header (a UUID).")
    # {...}, urn:uuid:... and the like name the record by its canonical form, never a second one.
    record_uuid = valid_uuid(record_uuid)
    if record_uuid is None:
        abort(404)
    base_version = if_match(kind)
    body, refused = _json_body(kind)
    if refused:
        return refused
    status, payload = put_once(kind, record_uuid, key, base_version, body, store, as_json)
    headers = {"Idempotency-Key": key}
    if payload.get("error") == "in_progress":
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if "version" in payload:
        headers["ETag"] = f'"{payload["version"]}"'
    return jsonify(payload), status, headers


def batch_put(kind, store, as_json):
    """Several records' changes in one request (`{"changes": [{uuid, idempotency_key,
    if_match, body}]}`, each what its own PUT would send): each is saved by put_once in a
    transaction of its own, in order, and answered as its PUT would be (`{"answers":
    [{uuid, idempotency_key, status, body}]}`). A tablet with a backlog sends it this way:
    one request, and one claim and one acknowledgement on the tablet, for many changes."""
    body, refused = _json_body(kind)
    if refused:
        return refused
    changes = read(Changes, body).changes
    answers = []
    for change in changes:
        key, record_uuid = valid_uuid(change.idempotency_key), valid_uuid(change.uuid)
        if key is None:
            status, payload = (
                400,
                {
                    "error": "idempotency_key_required",
                    "message": "Send an idempotency_key (a UUID) with each change.",
                },
            )
        elif record_uuid is None:
            status, payload = 404, {"error": "not_found", "message": f"No such {kind}."}
        else:
            base_version = None if change.if_match is None else min(change.if_match, MAX_ID)
            status, payload = put_once(kind, record_uuid, key, base_version, change.body, store, as_json)
        answers.append(
            {
                "uuid": change.uuid,
                "idempotency_key": change.idempotency_key,
                "status": status,
                "body": payload,
            }
        )
    return jsonify(answers=answers), 200
