"""The hook in password sign-in: after a right password, ask for the second factor."""

from flask import current_app, redirect, url_for

from qa_app.auth import bp
from qa_app.auth.mfa import pending
from qa_app.auth.mfa.services import has_second_factor, is_required, required_roles
from qa_app.auth.models import ROLES


@bp.record_once
def _check_required_roles(state):
    """Refuse to start with a role in MFA_REQUIRED_ROLES that does not exist: a misspelt role
    would silently need no second factor."""
    unknown = required_roles(state.app.config) - set(ROLES)
    if unknown:
        raise RuntimeError(f"MFA_REQUIRED_ROLES names unknown roles: {', '.join(sorted(unknown))}")


def ask_second_factor(user, next_page):
    """None when this user is signed in by the password alone; otherwise the session waits
    for a second factor (or, for a required role with none, for one to be set up) and this
    is the redirect there."""
    if has_second_factor(user):
        pending.begin(user, next_page, pending.VERIFY)
        return redirect(url_for("auth.second_factor"))
    if is_required(user, current_app.config):
        pending.begin(user, next_page, pending.SET_UP)
        return redirect(url_for("auth.set_up_second_factor"))
    return None
