"""Who needs a second factor, and the rules for adding and removing factors.

MFA_REQUIRED_ROLES names the roles that must have one (docs/domain.md §2.11): every role in
production, where each sees pupil references or can make accounts that do; none in
development and the tests unless set. A user whose role is not required may still set up a
factor, and is then asked for it at every password sign-in. These flush; the caller commits.
"""

from sqlalchemy import exists, select

from qa_app.auth.mfa import passkeys, recovery, totp
from qa_app.auth.mfa.models import AuthenticatorApp, Passkey
from qa_app.domain import Invalid
from qa_app.extensions import db


def required_roles(config):
    """The roles MFA_REQUIRED_ROLES names (a comma-separated string or a list)."""
    roles = config.get("MFA_REQUIRED_ROLES") or ()
    if isinstance(roles, str):
        roles = roles.split(",")
    return {role.strip() for role in roles if role.strip()}


def is_required(user, config):
    """True when the user's role must have a second factor."""
    return user.role in required_roles(config)


def has_second_factor(user):
    """True when the user has a passkey or an authenticator app."""
    return bool(
        db.session.scalar(
            select(
                exists().where(Passkey.user_id == user.id)
                | exists().where(AuthenticatorApp.user_id == user.id)
            )
        )
    )


def factors(user):
    """What the sign-in page may ask this user for: {"passkeys": [...], "app": bool}."""
    return {"passkeys": passkeys.passkeys_of(user), "app": totp.app_of(user) is not None}


def first_codes_if_none(user):
    """Ten recovery codes for a user who has none left, to show once; else None."""
    if recovery.codes_left(user):
        return None
    return recovery.replace_codes(user)


def _refuse_last(user, config, what):
    """Invalid when taking this factor away would leave a required user without one."""
    left = factors(user)
    others = len(left["passkeys"]) - (what == "passkey") + (left["app"] and what != "app")
    if others > 0:
        return False
    if is_required(user, config):
        raise Invalid(
            {"factor": "Your role needs a second factor: add another passkey or an authenticator app first"}
        )
    return True


def remove_passkey(user, passkey_id, config):
    """Remove one of the user's passkeys (NotFound-like False when not theirs). The last
    factor of a required user stays; with the last factor gone the recovery codes go too."""
    owned = db.session.get(Passkey, passkey_id)
    if owned is None or owned.user_id != user.id:
        return False
    last = _refuse_last(user, config, "passkey")
    passkeys.remove(user, passkey_id)
    if last:
        recovery.remove_codes(user)
    return True


def remove_app(user, config):
    """Remove the user's authenticator app, with the same rule as a passkey; False if none."""
    if totp.app_of(user) is None:
        return False
    last = _refuse_last(user, config, "app")
    totp.remove(user)
    if last:
        recovery.remove_codes(user)
    return True
