"""Uploading a visit's photos (the sync API) and showing them to those who may see the visit."""

from urllib.parse import unquote

from flask import abort, current_app, jsonify, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from qa_app.auth.permissions import authorize
from qa_app.extensions import db
from qa_app.photos import bp, services
from qa_app.photos.services import PhotoRejected
from qa_app.visits.services import VisitNotFound, visible_visit


def error(status, code, message):
    """A JSON error answer, shaped like the rest of the sync API's."""
    return jsonify(error=code, message=message), status


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
    """The request body, or None when it is over `limit` bytes (read no further than that)."""
    if request.content_length is not None and request.content_length > limit:
        return None
    data = request.stream.read(limit + 1)
    return None if len(data) > limit else data


def from_another_site():
    """True when the browser says the request comes from another site (see api.routes)."""
    origin = request.headers.get("Origin")
    if origin and origin != request.host_url.rstrip("/"):
        return True
    return request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none")


@bp.route("/api/visits/<visit_uuid>/photos/<photo_uuid>", methods=["PUT"])
@login_required
def put_photo(visit_uuid, photo_uuid):
    """Store a photo of the visit: 201 new, 200 the same bytes again, 409 other bytes."""
    if from_another_site():
        return error(403, "foreign_origin", "Requests must come from this site.")
    try:
        visit = services.upload_target(current_user, visit_uuid)
    except VisitNotFound:
        return error(404, "not_found", "No such visit.")
    limit = current_app.config["PHOTO_MAX_BYTES"]
    data = read_body(limit)
    if data is None:
        return error(413, "too_large", f"A photo must be {limit // (1024 * 1024)} MB or less.")
    headers = request.headers
    return store(
        visit,
        photo_uuid,
        dict(
            data=data,
            content_type=request.mimetype,
            sha256=headers.get("X-Content-SHA256"),
            criterion=headers.get("X-Photo-Criterion", ""),
            caption=unquote(headers.get("X-Photo-Caption", "")),  # percent-encoded UTF-8
        ),
    )


def store(visit, photo_uuid, upload):
    """Save the upload and commit; the JSON answer for the client."""
    try:
        return save_and_answer(visit, photo_uuid, upload)
    except IntegrityError:
        # The same photo sent twice at once: the other request stored it, so this is a retry.
        db.session.rollback()
        return save_and_answer(visit, photo_uuid, upload)


def save_and_answer(visit, photo_uuid, upload):
    """One attempt at saving: 201/200 with the photo, or the JSON error."""
    try:
        photo, created = services.save_photo(current_user, visit, photo_uuid, **upload)
        db.session.commit()
    except PhotoRejected as problem:
        db.session.rollback()
        return error(problem.status, problem.code, problem.message)
    except VisitNotFound:
        db.session.rollback()
        return error(404, "not_found", "No such photo.")
    return jsonify(photo_as_json(photo, visit)), 201 if created else 200


@bp.route("/visits/<visit_uuid>/photos/<photo_uuid>")
@login_required
def show_photo(visit_uuid, photo_uuid):
    """The photo itself, for those who may see its visit."""
    authorize("visit.view")
    try:
        visit = visible_visit(current_user, visit_uuid)
    except VisitNotFound:
        abort(404)
    photo = services.find_photo(visit, photo_uuid)
    path = photo and services.photo_path(photo)
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=photo.content_type, conditional=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response
