"""Unregistered provision: the registration test, escalations and the Head of Access's
workflow, and the dashboard."""

from flask import Blueprint

bp = Blueprint("escalations", __name__)

from qa_app.escalations import admin, dashboard, routes  # noqa: E402,F401
