"""Visits through the API: read, save (idempotently, with versions) and sign off."""

from flask import jsonify
from flask_login import current_user

from qa_app.api import bp
from qa_app.api.errors import as_answer
from qa_app.api.models import ConflictAnswer, Problem, VisitAnswer, VisitChangesAnswer
from qa_app.api.openapi import documented, documented_put
from qa_app.api.put import Changes, batch_put, idempotent_put
from qa_app.audit.reads import audited
from qa_app.auth.permissions import authorize
from qa_app.domain import DomainError
from qa_app.extensions import db
from qa_app.schemas import read
from qa_app.submission.services import save
from qa_app.visits import services
from qa_app.visits.representation import visit_as_json
from qa_app.visits.schemas import VisitBody


@bp.route("/visits/<visit_uuid>")
@documented("Read a visit", {200: ("The stored visit", VisitAnswer)}, errors=(401, 403, 404))
@audited("view", "visit", "visit_uuid")
def get_visit(visit_uuid):
    """The stored visit, its version, ratings and why."""
    authorize("visit.view")
    visit = services.visible_visit(current_user, visit_uuid)
    return jsonify(visit_as_json(visit)), 200, {"ETag": f'"{visit.version}"'}


@bp.route("/visits/<visit_uuid>", methods=["PUT"])
@documented_put("visit", VisitAnswer, ConflictAnswer, VisitBody, locked=True)
def put_visit(visit_uuid):
    """Create or update a visit, idempotently (Idempotency-Key) and safely (If-Match)."""

    return idempotent_put("visit", visit_uuid, _store, visit_as_json)


def _store(visit_uuid, body, base_version):
    """Save a visit from a PUT's body (its own, or one change of a batch)."""
    change = read(VisitBody, body).to_change()
    return save(current_user, visit_uuid, change, base_version, kept_copy=lambda stored: body)


@bp.route("/visit-changes", methods=["POST"])
@documented(
    "Send several visits' changes at once",
    {200: ("Each change answered as its own PUT /api/visits/{uuid} would answer it", VisitChangesAnswer)},
    body=Changes,
    headers=(("X-CSRFToken", True, "The token from GET /api/session"),),
    errors=(400, 401, 403),
)
def put_visits():
    """Several visits' changes in one request, each saved once per idempotency_key and in a
    transaction of its own, as PUT /api/visits/{uuid} saves it."""
    authorize("visit.start")
    return batch_put("visit", _store, visit_as_json)


@bp.route("/visits/<visit_uuid>/sign-off", methods=["POST"])
@documented(
    "Sign off a submitted visit (Head of Access)",
    {
        200: ("Signed off", VisitAnswer),
        409: (
            "Not awaiting sign-off, or the provider may still comment on the draft (awaiting_provider)",
            Problem,
        ),
    },
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
        not_submitted = status == 409 and problem.code != "awaiting_provider"
        return jsonify({**answer, "error": "not_submitted"} if not_submitted else answer), status
    db.session.commit()
    return jsonify(visit_as_json(visit)), 200
