"""Visits through the API: read, save (idempotently, with versions) and sign off."""

import json
import re

from flask import abort, jsonify, request
from flask_login import current_user

from qa_app.api import bp
from qa_app.api.errors import as_answer, error
from qa_app.api.idempotency import KeyReused, answer_once, request_hash
from qa_app.api.models import ConflictAnswer, Problem, VisitAnswer
from qa_app.api.openapi import documented
from qa_app.auth.permissions import authorize
from qa_app.domain import Conflict, DomainError
from qa_app.extensions import db
from qa_app.submission.services import save
from qa_app.visits import services
from qa_app.visits.representation import visit_as_json
from qa_app.visits.schemas import MAX_ID, NOT_UNICODE, VisitBody, not_unicode, read
from qa_app.visits.services import valid_uuid

VISIT_PUT_HEADERS = (
    ("Idempotency-Key", True, "A UUID; the same key and body again get the stored answer"),
    ("If-Match", False, 'The version this update is based on, such as "3"; required to change a visit'),
    ("X-CSRFToken", True, "The token from GET /api/session"),
)


@bp.route("/visits/<visit_uuid>")
@documented("Read a visit", {200: ("The stored visit", VisitAnswer)}, errors=(401, 403, 404))
def get_visit(visit_uuid):
    """The stored visit, its version, ratings and why."""
    authorize("visit.view")
    visit = services.visible_visit(current_user, visit_uuid)
    return jsonify(visit_as_json(visit)), 200, {"ETag": f'"{visit.version}"'}


IF_MATCH = re.compile(r'\s*(?:W/)?"?([0-9]{1,100})"?\s*', re.ASCII)


def _if_match():
    """The version named by If-Match ("3" or W/"3"), None when absent; 400 when unreadable.

    A version larger than any column holds is read as the largest: it is not the stored
    version, so the caller's copy is still kept as a conflict."""
    value = request.headers.get("If-Match")
    if value is None:
        return None
    found = IF_MATCH.fullmatch(value)
    if found is None:
        abort(400, 'If-Match must be a visit version such as "3"')
    return min(int(found[1]), MAX_ID)


def _save(visit_uuid, body, base_version):
    """Save the body and give (status, JSON body); a refusal rolls back, a conflict is kept."""
    try:
        change = read(VisitBody, body).to_change()
        visit, created = save(current_user, visit_uuid, change, base_version, kept_copy=lambda stored: body)
    except Conflict as conflict:
        return as_answer(conflict, conflict_id=conflict.kept.id, current=visit_as_json(conflict.record))
    except DomainError as problem:
        db.session.rollback()
        status, answer = as_answer(problem)
        if status == 400:
            answer["message"] = "The visit has errors."
        return status, answer
    return (201 if created else 200), visit_as_json(visit)


def _answer_once(key, visit_uuid, body, base_version):
    """The stored answer to this key, or a new save stored under it; (status, body)."""
    fingerprint = request_hash("PUT", request.path, base_version, body)
    return answer_once(
        key, current_user.id, visit_uuid, fingerprint, lambda: _save(visit_uuid, body, base_version), "visit"
    )


@bp.route("/visits/<visit_uuid>", methods=["PUT"])
@documented(
    "Create or update a visit",
    {
        200: ("Updated", VisitAnswer),
        201: ("Created", VisitAnswer),
        409: ("Locked, or changed since If-Match: the caller's copy is kept", ConflictAnswer),
        422: ("This Idempotency-Key was used for another request", Problem),
        428: ("Changing a visit needs If-Match", Problem),
    },
    body=VisitBody,
    headers=VISIT_PUT_HEADERS,
)
def put_visit(visit_uuid):
    """Create or update a visit, idempotently (Idempotency-Key) and safely (If-Match)."""
    key = valid_uuid(request.headers.get("Idempotency-Key", ""))
    if key is None:
        return error(400, "idempotency_key_required", "Send an Idempotency-Key header (a UUID).")
    # {...}, urn:uuid:... and the like name the visit by its canonical form, never a second one.
    visit_uuid = valid_uuid(visit_uuid)
    if visit_uuid is None:
        abort(404)
    base_version = _if_match()
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except (ValueError, RecursionError):
        return error(400, "malformed_json", "The body is not valid JSON (or is nested too deeply).")
    bad_text = not_unicode(body)
    if bad_text:
        return error(400, "invalid", "The visit has errors.", fields={bad_text: NOT_UNICODE})
    try:
        status, payload = _answer_once(key, visit_uuid, body, base_version)
    except KeyReused:
        db.session.rollback()
        return error(422, KeyReused.code, "This Idempotency-Key was used for a different request.")
    headers = {"Idempotency-Key": key}
    if "version" in payload:
        headers["ETag"] = f'"{payload["version"]}"'
    return jsonify(payload), status, headers


@bp.route("/visits/<visit_uuid>/sign-off", methods=["POST"])
@documented(
    "Sign off a submitted visit (Head of Access)",
    {200: ("Signed off", VisitAnswer), 409: ("Not awaiting sign-off", Problem)},
    headers=(("X-CSRFToken", True, "The token from GET /api/session"),),
)
def sign_off_visit(visit_uuid):
    """The Head of Access signs off a submitted visit; the register then counts it."""
    authorize("visit.sign_off")
    visit = services.visible_visit(current_user, visit_uuid)
    try:
        services.sign_off(current_user, visit)
    except DomainError as problem:
        db.session.rollback()
        status, answer = as_answer(problem)
        return jsonify({**answer, "error": "not_submitted"} if status == 409 else answer), status
    db.session.commit()
    return jsonify(visit_as_json(visit)), 200
