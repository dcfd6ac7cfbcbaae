"""Administration: users and their roles."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from qa_app.admin import routes  # noqa: E402,F401
