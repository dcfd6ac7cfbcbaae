"""Password hashing with Argon2id (OWASP's first choice) and the password policy."""

from functools import cache

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


# Unknown emails are checked against a hash of this, so they cost one verify, as a
# wrong password does, and the time taken does not tell whether an account exists.
_DUMMY_PASSWORD = "not-a-real-password-0"


# At OWASP's recommended minimum for Argon2id (19 MiB, 2 passes) on one thread: argon2-cffi's
# default spends four threads (p=4) and 64 MiB, some 230 ms of a 2-core server's CPU per
# sign-in. Hashes made with other parameters are remade at the next sign-in.
DEFAULT_PARAMS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}


def _params(config=None):
    return (config or current_app.config).get("PASSWORD_HASH_PARAMS") or DEFAULT_PARAMS


def _hasher():
    return PasswordHasher(**_params())


@cache
def _dummy_hash_for(params):
    return PasswordHasher(**dict(params)).hash(_DUMMY_PASSWORD)


def dummy_hash(config=None):
    """A hash with the app's parameters to verify unknown emails against, made once."""
    return _dummy_hash_for(tuple(sorted(_params(config).items())))


def hash_password(password):
    """Hash a password with Argon2id."""
    return _hasher().hash(password)


def check_password(password_hash, password):
    """True when the password matches the stored hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    """True when the hash was made with other parameters than the app's (or another kind)."""
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def password_problem(password):
    """Why a new password is not acceptable, or None (length and a common-password list)."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    if password.lower() in COMMON:
        return "Password is too common, choose another"
    return None
