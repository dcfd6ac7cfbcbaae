"""Submitting a visit, and what submitting sets off: an escalation when the registration
check says the provider may need to register. Sits above visits and escalations, so
neither needs to know the other."""

from flask import Blueprint

bp = Blueprint("submission", __name__)

from qa_app.submission import routes  # noqa: E402,F401
