"""Visits to providers and schools: the visit form, sign-off, actions and the visit programme."""

from flask import Blueprint

bp = Blueprint("visits", __name__)

from qa_app.visits import (  # noqa: E402,F401
    programme,
    registration_check,
    review,
    routes,
    school_visit,
    theme_page,
)
