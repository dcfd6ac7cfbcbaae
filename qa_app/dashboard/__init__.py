"""The Head of Access's dashboard: figures drawn from escalations, providers and visits."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from qa_app.dashboard import routes  # noqa: E402,F401
