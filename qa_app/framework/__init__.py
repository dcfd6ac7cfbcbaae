"""The QA framework as versioned data, and the rating rules that read it."""

from flask import Blueprint

bp = Blueprint("framework", __name__, url_prefix="/admin/frameworks")

from qa_app.framework import routes  # noqa: E402,F401
