"""Photos of evidence taken on a visit: uploaded by the offline client, shown in reports."""

from flask import Blueprint

bp = Blueprint("photos", __name__)

from qa_app.photos import routes  # noqa: E402,F401
