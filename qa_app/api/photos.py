"""PUT /api/visits/<uuid>/photos/<uuid>: a photo of evidence, uploaded idempotently."""

from urllib.parse import unquote

from flask import current_app, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from qa_app.api import bp
from qa_app.api.models import Photo, Problem
from qa_app.api.openapi import documented
from qa_app.domain import TooLarge
from qa_app.extensions import db
from qa_app.photos import services


def photo_as_json(photo, visit):
    """What the client is told about a stored photo."""
    return {
        "uuid": photo.uuid,
        "visit_uuid": visit.uuid,
        "criterion": photo.criterion_code,
        "caption": photo.caption,
        "sha256": photo.sha256,
        "content_type": photo.content_type,
        "byte_size": photo.byte_size,
        "width": photo.width,
        "height": photo.height,
        "url": url_for("photos.show_photo", visit_uuid=visit.uuid, photo_uuid=photo.uuid),
    }


def read_body(limit):
    """The request body, or TooLarge when it is over `limit` bytes (read no further than that)."""
    message = f"A photo must be {limit // (1024 * 1024)} MB or less."
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(message)
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(message)
    return data


@bp.route("/visits/<visit_uuid>/photos/<photo_uuid>", methods=["PUT"])
@documented(
    "Upload a photo of evidence",
    {
        200: ("The same photo again", Photo),
        201: ("Stored", Photo),
        409: ("Another photo holds this id, or the visit is locked", Problem),
        413: ("Too large", Problem),
        415: ("Not a JPEG or PNG", Problem),
    },
    body={
        "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
        "image/png": {"schema": {"type": "string", "format": "binary"}},
    },
    headers=(
        ("X-Content-SHA256", True, "The SHA-256 of the body, in hex"),
        ("X-Photo-Criterion", False, "The criterion the photo is evidence for, such as SG3"),
        ("X-Photo-Caption", False, "A caption, percent-encoded UTF-8"),
        ("X-CSRFToken", True, "The token from GET /api/session"),
    ),
)
def put_photo(visit_uuid, photo_uuid):
    """Store a photo of the visit: 201 new, 200 the same bytes again, 409 other bytes."""
    visit = services.upload_target(current_user, visit_uuid)
    upload = dict(
        data=read_body(current_app.config["PHOTO_MAX_BYTES"]),
        content_type=request.mimetype,
        sha256=request.headers.get("X-Content-SHA256"),
        criterion=request.headers.get("X-Photo-Criterion", ""),
        caption=unquote(request.headers.get("X-Photo-Caption", "")),  # percent-encoded UTF-8
    )
    try:
        photo, created = services.save_photo(current_user, visit, photo_uuid, **upload)
        db.session.commit()
    except IntegrityError:
        # The same photo sent twice at once: the other request stored it, so this is a retry.
        db.session.rollback()
        photo, created = services.save_photo(current_user, visit, photo_uuid, **upload)
        db.session.commit()
    return jsonify(photo_as_json(photo, visit)), 201 if created else 200
