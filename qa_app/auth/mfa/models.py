"""The second factors a user holds: passkeys, one authenticator app, recovery codes."""

from qa_app.dates import utcnow
from qa_app.extensions import db


class Passkey(db.Model):
    """A WebAuthn credential registered to a user: its public key and signature counter."""

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    credential_id = db.Column(db.LargeBinary(1023), nullable=False, unique=True)
    public_key = db.Column(db.LargeBinary(2048), nullable=False)
    sign_count = db.Column(db.BigInteger, nullable=False, default=0)
    # The WebAuthn user handle: random bytes, the same for all of one user's passkeys, so an
    # authenticator keeps one credential per account and learns nothing about the person.
    user_handle = db.Column(db.LargeBinary(64), nullable=False)
    # What the browser said the authenticator speaks over (usb, internal, hybrid, ...).
    transports = db.Column(db.String(100), nullable=False, default="")
    name = db.Column(db.String(60), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_used_at = db.Column(db.DateTime)

    user = db.relationship("User")


class AuthenticatorApp(db.Model):
    """A user's TOTP secret (RFC 6238, 30-second steps, 6 digits); at most one per user."""

    user_id = db.Column(db.ForeignKey("user.id"), primary_key=True)
    secret = db.Column(db.String(64), nullable=False)
    # The time step of the last code accepted: a code is good once, and never one older.
    last_used_step = db.Column(db.BigInteger)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class RecoveryCode(db.Model):
    """One of a user's ten single-use recovery codes, kept as its SHA-256 only."""

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    code_hash = db.Column(db.String(64), nullable=False)
    used_at = db.Column(db.DateTime)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    __table_args__ = (db.UniqueConstraint("user_id", "code_hash", name="one_code_per_user"),)
