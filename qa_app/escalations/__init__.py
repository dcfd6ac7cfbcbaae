"""Unregistered provision: escalations and the Head of Access's workflow.

The registration test is in registration/, the Head of Access's dashboard in dashboard/.
"""

from flask import Blueprint

bp = Blueprint("escalations", __name__)

from qa_app.escalations import routes  # noqa: E402,F401
