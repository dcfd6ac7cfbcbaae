"""Placements through the API: read one, list those the caller may see, and save one
(idempotently, with versions), with the rules of PUT /api/visits (api/put.py)."""

from flask import abort, jsonify, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from qa_app.api import bp
from qa_app.api.models import (
    PlacementAnswer,
    PlacementConflictAnswer,
    PlacementList,
)
from qa_app.api.openapi import documented, documented_put
from qa_app.api.put import idempotent_put
from qa_app.audit.reads import audited
from qa_app.auth.permissions import authorize
from qa_app.extensions import db
from qa_app.placements.models import Placement
from qa_app.placements.representation import placement_as_json
from qa_app.placements.schemas import PlacementBody
from qa_app.placements.scopes import placements_visible_to
from qa_app.placements.services import find_placement, save_placement
from qa_app.schemas import MAX_ID, read

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
    too_long = len(value) > len(str(MAX_ID))  # and Python reads no more than 4,300 digits
    if too_long or not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_ID:
        abort(400, f"{name} must be a whole number from 1")
    return int(value)


@bp.route("/placements")
@documented(
    "List the placements the caller may see",
    {200: ("The placements", PlacementList)},
    errors=(400, 401, 403),
    query=LIST_QUERY,
)
@audited("view", "placement_list")
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
@audited("view", "placement", "placement_uuid")
def get_placement(placement_uuid):
    """The stored placement and its version (another school's is a 404)."""
    authorize("placement.view")
    placement = find_placement(current_user, placement_uuid)
    return jsonify(placement_as_json(placement)), 200, {"ETag": f'"{placement.version}"'}


@bp.route("/placements/<placement_uuid>", methods=["PUT"])
@documented_put("placement", PlacementAnswer, PlacementConflictAnswer, PlacementBody)
def put_placement(placement_uuid):
    """Create or update a placement, idempotently (Idempotency-Key) and safely (If-Match)."""
    authorize("placement.record")

    def store(placement_uuid, body, base_version):
        change = read(PlacementBody, body).to_change()
        return save_placement(current_user, placement_uuid, change, base_version, require_version=True)

    return idempotent_put("placement", placement_uuid, store, placement_as_json)
