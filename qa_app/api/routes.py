"""JSON endpoints: the session, and reading, saving and signing off visits."""

import json

from flask import abort, jsonify, request
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import IntegrityError

from qa_app.api import bp
from qa_app.api.idempotency import KeyReused, commit_with_receipt, request_hash, stored_answer
from qa_app.auth.permissions import can
from qa_app.extensions import db
from qa_app.visits import services
from qa_app.visits.payload import PayloadError
from qa_app.visits.services import (
    VersionRequired,
    VisitConflictError,
    VisitLocked,
    VisitNotFound,
    VisitRuleError,
    valid_uuid,
    visit_as_json,
)


def error(status, code, message, **extra):
    """A JSON error answer."""
    return jsonify(error=code, message=message, **extra), status


@bp.before_request
def json_only_from_this_site():
    """Writes must be JSON (which forces a CORS preflight) from this site's own pages."""
    if request.method in ("PUT", "POST", "DELETE", "PATCH"):
        if request.mimetype != "application/json" and request.content_length:
            return error(415, "unsupported_media_type", "Send JSON (Content-Type: application/json).")
        origin = request.headers.get("Origin")
        if origin and origin != request.host_url.rstrip("/"):
            return error(403, "foreign_origin", "Requests must come from this site.")
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            return error(403, "foreign_origin", "Requests must come from this site.")
    return None


@bp.route("/session")
@login_required
def session_info():
    """Who is signed in, and a fresh CSRF token for the next writes."""
    user = current_user
    return jsonify(
        user={"id": user.id, "name": user.name, "email": user.email, "role": user.role},
        csrf_token=generate_csrf(),
    )


def _visit_or_404(visit_uuid):
    try:
        return services.visible_visit(current_user, visit_uuid)
    except VisitNotFound:
        abort(404)


@bp.route("/visits/<visit_uuid>")
@login_required
def get_visit(visit_uuid):
    """The stored visit, its version, ratings and why."""
    if not can(current_user, "visit.view"):
        abort(403)
    visit = _visit_or_404(visit_uuid)
    return jsonify(visit_as_json(visit)), 200, {"ETag": f'"{visit.version}"'}


def _if_match():
    """The version named by If-Match ("3" or W/"3"), None when absent; 400 when unreadable."""
    value = request.headers.get("If-Match")
    if value is None:
        return None
    value = value.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        abort(400, 'If-Match must be a visit version such as "3"')
    return int(value)


def _save(visit_uuid, body, base_version):
    """Run save_visit and turn its outcome into (status, JSON body); commits what it keeps."""
    try:
        visit, created = services.save_visit(current_user, visit_uuid, body, base_version)
    except (PayloadError, VisitRuleError) as problem:
        db.session.rollback()
        return 400, {"error": "invalid", "message": "The visit has errors.", "fields": problem.errors}
    except VisitNotFound:
        db.session.rollback()
        return 404, {"error": "not_found", "message": "No such visit."}
    except PermissionError as problem:
        db.session.rollback()
        return 403, {"error": "forbidden", "message": str(problem)}
    except VisitLocked:
        db.session.rollback()
        return 409, {"error": "locked", "message": "This visit is submitted and can no longer change."}
    except VersionRequired:
        db.session.rollback()
        return 428, {"error": "version_required", "message": 'Send If-Match: "<version>" to change a visit.'}
    except VisitConflictError as conflict:
        return 409, {
            "error": "conflict",
            "message": "The visit changed since your copy; yours is kept as a conflict.",
            "conflict_id": conflict.conflict.id,
            "current": visit_as_json(conflict.visit),
        }
    return (201 if created else 200), visit_as_json(visit)


@bp.route("/visits/<visit_uuid>", methods=["PUT"])
@login_required
def put_visit(visit_uuid):
    """Create or update a visit, idempotently (Idempotency-Key) and safely (If-Match)."""
    key = valid_uuid(request.headers.get("Idempotency-Key", ""))
    if key is None:
        return error(400, "idempotency_key_required", "Send an Idempotency-Key header (a UUID).")
    if valid_uuid(visit_uuid) is None:
        abort(404)
    base_version = _if_match()
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except ValueError:
        return error(400, "malformed_json", "The body is not valid JSON.")
    fingerprint = request_hash("PUT", request.path, base_version, body)
    try:
        try:
            answer = stored_answer(key, current_user.id, fingerprint)
            if answer is None:
                status, payload = _save(visit_uuid, body, base_version)
                if status >= 400 and status != 409:
                    return jsonify(payload), status  # nothing changed, so nothing to remember
                answer = commit_with_receipt(key, current_user.id, visit_uuid, fingerprint, status, payload)
        except IntegrityError:
            # A concurrent request got there first: the same key (answer with what it
            # stored) or the same new visit under another key (a conflict).
            db.session.rollback()
            answer = stored_answer(key, current_user.id, fingerprint)
            if answer is None:
                return error(409, "conflict", "The visit was created by another request; fetch it and retry.")
    except KeyReused:
        db.session.rollback()
        return error(422, "idempotency_key_reused", "This Idempotency-Key was used for a different request.")
    status, payload = answer
    headers = {"Idempotency-Key": key}
    if "version" in payload:
        headers["ETag"] = f'"{payload["version"]}"'
    return jsonify(payload), status, headers


@bp.route("/visits/<visit_uuid>/sign-off", methods=["POST"])
@login_required
def sign_off_visit(visit_uuid):
    """The Head of Access signs off a submitted visit; the register then counts it."""
    if current_user.role != "head_of_access":
        return error(403, "forbidden", "Only the Head of Access signs off visits.")
    visit = _visit_or_404(visit_uuid)
    try:
        services.sign_off(current_user, visit)
    except VisitLocked as problem:
        db.session.rollback()
        return error(409, "not_submitted", str(problem))
    db.session.commit()
    return jsonify(visit_as_json(visit)), 200
