"""Providers of alternative provision and the register built from their visits."""

from flask import Blueprint

bp = Blueprint("providers", __name__, url_prefix="/providers")

from qa_app.providers import routes  # noqa: E402,F401
