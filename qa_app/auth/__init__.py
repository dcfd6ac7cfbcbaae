"""Sign-in, users, roles and the one authorisation function every view calls."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from qa_app.auth import home, routes  # noqa: E402,F401
