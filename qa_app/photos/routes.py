"""Showing a visit's photos to those who may see the visit (uploads: qa_app.api.photos)."""

import io

from flask import abort, send_file
from flask_login import current_user, login_required

from qa_app.auth.permissions import authorize
from qa_app.domain import NotFound
from qa_app.photos import bp, services
from qa_app.visits.services import visible_visit


@bp.route("/visits/<visit_uuid>/photos/<photo_uuid>")
@login_required
def show_photo(visit_uuid, photo_uuid):
    """The photo itself, for those who may see its visit."""
    authorize("visit.view")
    try:
        visit = visible_visit(current_user, visit_uuid)
    except NotFound:
        abort(404)
    photo = services.find_photo(visit, photo_uuid)
    if photo is None or not photo.data:  # not yet moved in from disk (flask move-files-into-database)
        abort(404)
    response = send_file(
        io.BytesIO(photo.data), mimetype=photo.content_type, conditional=True, etag=photo.uuid
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
