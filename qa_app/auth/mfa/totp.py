"""Authenticator apps (TOTP, RFC 6238): setting one up and checking its codes.

A code is accepted within one 30-second step either side of the server's clock (phones
drift), and only once: the step of the last code accepted is stored, and a code of that
step or an earlier one is refused, so a code seen over a shoulder cannot be used again.
These flush; the caller commits.
"""

import hmac
import time
from datetime import UTC, datetime

import pyotp
import segno
from sqlalchemy import or_, update

from qa_app.auth.mfa.models import AuthenticatorApp
from qa_app.domain import Invalid
from qa_app.extensions import db

# Steps either side of the current one whose codes are still accepted.
DRIFT_STEPS = 1


def new_secret():
    """A fresh 160-bit base32 secret, as RFC 4226 recommends."""
    return pyotp.random_base32(32)


def provisioning_uri(secret, user, issuer):
    """The otpauth:// address an authenticator app reads (typed or from a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code(uri):
    """The address as a QR code, an SVG data: URI for an <img> (the CSP allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2)


def grouped(secret):
    """The secret in groups of four, easier to type into an app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def clean_code(code):
    """The digits of a code as typed (spaces and dashes left out)."""
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-")


def matching_step(secret, code, at=None):
    """The time step whose code this is (within the drift allowed), or None."""
    code = clean_code(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(_moment(at))
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _moment(at):
    """A datetime for pyotp: `at` itself, a Unix time, or now."""
    return (
        at if isinstance(at, datetime) else datetime.fromtimestamp(at if at is not None else time.time(), UTC)
    )


def app_of(user):
    """The user's authenticator app, or None."""
    return db.session.get(AuthenticatorApp, user.id)


def set_up(user, secret, code, at=None):
    """Keep this secret as the user's authenticator app once a code from the app proves it
    was copied right; raises Invalid otherwise. Replaces any app set up before."""
    step = matching_step(secret, code, at)
    if step is None:
        raise Invalid({"code": "Enter the 6-digit code your authenticator app shows now"})
    existing = app_of(user)
    if existing is None:
        existing = AuthenticatorApp(user_id=user.id)
        db.session.add(existing)
    existing.secret = secret
    existing.last_used_step = step
    db.session.flush()
    return existing


def check_code(user, code, at=None):
    """True when the code is the user's app's, of a step after the last one accepted. The step
    is taken in one conditional UPDATE, so two requests with the same code cannot both pass."""
    found = app_of(user)
    if found is None:
        return False
    step = matching_step(found.secret, code, at)
    if step is None:
        return False
    table = AuthenticatorApp.__table__
    taken = db.session.execute(
        update(table)
        .where(
            table.c.user_id == user.id,
            or_(table.c.last_used_step.is_(None), table.c.last_used_step < step),
        )
        .values(last_used_step=step)
    )
    db.session.expire(found)
    return taken.rowcount == 1


def remove(user):
    """Forget the user's authenticator app."""
    found = app_of(user)
    if found is not None:
        db.session.delete(found)
        db.session.flush()
