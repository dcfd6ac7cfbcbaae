"""GET /api/offline-bundle: what a tablet keeps for visits with no signal."""

from flask import jsonify
from flask_login import current_user

from qa_app.api import bp
from qa_app.api.models import Bundle
from qa_app.api.openapi import documented
from qa_app.auth.permissions import authorize
from qa_app.offline.bundle import offline_bundle


@bp.route("/offline-bundle")
@documented("What a tablet keeps for visits with no signal", {200: ("The bundle", Bundle)}, errors=(401, 403))
def bundle():
    """The officer's providers, framework, registration rules and programme (JSON)."""
    authorize("visit.start")
    return jsonify(offline_bundle(current_user))
