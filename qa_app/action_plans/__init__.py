"""A provider's action plan: the actions from its signed-off visits, each answered by the
provider with what was done and evidence files, and verified by its officer."""

from flask import Blueprint

bp = Blueprint("action_plans", __name__)

from qa_app.action_plans import routes  # noqa: E402,F401
