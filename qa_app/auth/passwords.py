"""Password hashing with Argon2id (OWASP's first choice) and the password policy."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 10
MAX_LENGTH = 128
# A few of the most common passwords; the length rule catches most of the rest.
COMMON = {
    "password123",
    "password1234",
    "qwertyuiop",
    "1234567890",
    "123456789a",
    "iloveyou123",
    "letmein123",
    "welcome123",
    "administrator",
    "passw0rd123",
}


def _hasher():
    params = current_app.config.get("PASSWORD_HASH_PARAMS") or {}
    return PasswordHasher(**params)


def hash_password(password):
    """Hash a password with Argon2id."""
    return _hasher().hash(password)


def check_password(password_hash, password):
    """True when the password matches the stored hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password):
    """Why a new password is not acceptable, or None (length and a common-password list)."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    if password.lower() in COMMON:
        return "Password is too common, choose another"
    return None
