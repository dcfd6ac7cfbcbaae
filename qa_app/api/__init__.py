"""The JSON API the offline client syncs through (DESIGN.md section 3)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from qa_app.api import routes  # noqa: E402,F401
