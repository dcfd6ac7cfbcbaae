"""Sign-in, users, roles and the one authorisation function every view calls."""

from flask import Blueprint

from qa_app.auth.passwords import dummy_hash

bp = Blueprint("auth", __name__)


@bp.record_once
def _make_dummy_hash(state):
    """Hash the stand-in password at start-up, so no sign-in pays for it."""
    dummy_hash(state.app.config)


from qa_app.auth import deputies, home, oidc, routes  # noqa: E402,F401
from qa_app.auth.mfa import account as mfa_account  # noqa: E402,F401
from qa_app.auth.mfa import commands as mfa_commands  # noqa: E402,F401
from qa_app.auth.mfa import routes as mfa_routes  # noqa: E402,F401
