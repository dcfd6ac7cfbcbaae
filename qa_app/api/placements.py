"""Placements through the API: read one, list those the caller may see, and save one
(idempotently, with versions), with the rules of PUT /api/visits (DESIGN.md section 3)."""

import json

from flask import abort, jsonify, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from qa_app.api import bp
from qa_app.api.errors import as_answer, error
from qa_app.api.idempotency import KeyReused, answer_once, request_hash
from qa_app.api.models import PlacementAnswer, PlacementConflictAnswer, PlacementList, Problem
from qa_app.api.openapi import documented
from qa_app.api.visits import IF_MATCH
from qa_app.auth.permissions import authorize, placements_visible_to
from qa_app.domain import Conflict, DomainError
from qa_app.extensions import db
from qa_app.placements.models import Placement
from qa_app.placements.representation import placement_as_json
from qa_app.placements.schemas import PlacementBody, read
from qa_app.placements.services import find_placement, save_placement
from qa_app.visits.schemas import MAX_ID, NOT_UNICODE, not_unicode
from qa_app.visits.services import valid_uuid

PUT_HEADERS = (
    ("Idempotency-Key", True, "A UUID; the same key and body again get the stored answer"),
    ("If-Match", False, 'The version this update is based on, such as "3"; required to change one'),
    ("X-CSRFToken", True, "The token from GET /api/session"),
)
CHANGED_MEANWHILE = "The placement was changed by another request at the same moment; fetch it and retry."
ID = {"type": "integer", "minimum": 1}
LIST_QUERY = (
    ("provider_id", ID, "Only placements with this provider"),
    ("school_id", ID, "Only placements of this school"),
    ("open", {"type": "string", "enum": ["true", "false"]}, "true: not ended; false: ended"),
)


def _query_id(name):
    """A whole-number id from the query string, None when absent; 400 when it is not one."""
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        abort(400, f"{name} must be a whole number from 1")
    return int(value)


@bp.route("/placements")
@documented(
    "List the placements the caller may see",
    {200: ("The placements", PlacementList)},
    errors=(400, 401, 403),
    query=LIST_QUERY,
)
def list_placements():
    """The caller's placements (a school's own; all for the authority), filtered, in two queries."""
    authorize("placement.view")
    query = (
        select(Placement)
        .where(placements_visible_to(current_user))
        .options(
            joinedload(Placement.school), joinedload(Placement.provider), selectinload(Placement.reviews)
        )
        .order_by(Placement.start_date.desc(), Placement.id.desc())
    )
    provider_id, school_id, still_open = (
        _query_id("provider_id"),
        _query_id("school_id"),
        request.args.get("open"),
    )
    if provider_id is not None:
        query = query.where(Placement.provider_id == provider_id)
    if school_id is not None:
        query = query.where(Placement.school_id == school_id)
    if still_open not in (None, "", "true", "false"):
        abort(400, "open must be true or false")
    if still_open == "true":
        query = query.where(Placement.ended_on.is_(None))
    elif still_open == "false":
        query = query.where(Placement.ended_on.is_not(None))
    placements = db.session.scalars(query).unique().all()
    return jsonify(placements=[placement_as_json(placement) for placement in placements])


@bp.route("/placements/<placement_uuid>")
@documented("Read a placement", {200: ("The stored placement", PlacementAnswer)}, errors=(401, 403, 404))
def get_placement(placement_uuid):
    """The stored placement and its version (another school's is a 404)."""
    authorize("placement.view")
    placement = find_placement(current_user, placement_uuid)
    return jsonify(placement_as_json(placement)), 200, {"ETag": f'"{placement.version}"'}


def _if_match():
    """The version named by If-Match ("3" or W/"3"), None when absent; 400 when unreadable."""
    value = request.headers.get("If-Match")
    if value is None:
        return None
    found = IF_MATCH.fullmatch(value)
    if found is None:
        abort(400, 'If-Match must be a placement version such as "3"')
    return min(int(found[1]), MAX_ID)


def _save(placement_uuid, body, base_version):
    """Save the body and give (status, JSON body); a refusal rolls back, a conflict is kept."""
    try:
        change = read(PlacementBody, body).to_change()
        placement, created = save_placement(
            current_user, placement_uuid, change, base_version, require_version=True
        )
    except Conflict as conflict:
        return as_answer(conflict, conflict_id=conflict.kept.id, current=placement_as_json(conflict.record))
    except DomainError as problem:
        db.session.rollback()
        status, answer = as_answer(problem)
        if status == 400:
            answer["message"] = "The placement has errors."
        return status, answer
    return (201 if created else 200), placement_as_json(placement)


def _answer_once(key, placement_uuid, body, base_version):
    """The stored answer to this key, or a new save stored under it; (status, body)."""
    fingerprint = request_hash("PUT", request.path, base_version, body)
    return answer_once(
        key,
        current_user.id,
        placement_uuid,
        fingerprint,
        lambda: _save(placement_uuid, body, base_version),
        "placement",
    )


@bp.route("/placements/<placement_uuid>", methods=["PUT"])
@documented(
    "Create or update a placement",
    {
        200: ("Updated", PlacementAnswer),
        201: ("Created", PlacementAnswer),
        409: ("Changed since If-Match: the caller's copy is kept", PlacementConflictAnswer),
        422: ("This Idempotency-Key was used for another request", Problem),
        428: ("Changing a placement needs If-Match", Problem),
    },
    body=PlacementBody,
    headers=PUT_HEADERS,
)
def put_placement(placement_uuid):
    """Create or update a placement, idempotently (Idempotency-Key) and safely (If-Match)."""
    authorize("placement.record")
    key = valid_uuid(request.headers.get("Idempotency-Key", ""))
    if key is None:
        return error(400, "idempotency_key_required", "Send an Idempotency-Key header (a UUID).")
    placement_uuid = valid_uuid(placement_uuid)
    if placement_uuid is None:
        abort(404)
    base_version = _if_match()
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except (ValueError, RecursionError):
        return error(400, "malformed_json", "The body is not valid JSON (or is nested too deeply).")
    bad_text = not_unicode(body)
    if bad_text:
        return error(400, "invalid", "The placement has errors.", fields={bad_text: NOT_UNICODE})
    try:
        status, payload = _answer_once(key, placement_uuid, body, base_version)
    except KeyReused:
        db.session.rollback()
        return error(422, KeyReused.code, "This Idempotency-Key was used for a different request.")
    headers = {"Idempotency-Key": key}
    if "version" in payload:
        headers["ETag"] = f'"{payload["version"]}"'
    return jsonify(payload), status, headers
