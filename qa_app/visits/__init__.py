"""Visits to providers: the visit form, sign-off, actions and the visit programme."""

from flask import Blueprint

bp = Blueprint("visits", __name__)

from qa_app.visits import programme, provider_page, registration_check, review, routes, theme_page  # noqa: E402,F401
