"""Recovery codes: ten single-use codes for when a passkey or phone is lost.

Each code is 60 random bits shown once as three groups of four letters and digits; only its
SHA-256 is stored (a code that random needs no slow hash to resist guessing from a copy of
the database). A code is spent by one conditional UPDATE, so it works once even when sent
twice at the same moment. These flush; the caller commits.
"""

import hashlib
import secrets

from sqlalchemy import delete, func, select, update

from qa_app.auth.mfa.models import RecoveryCode
from qa_app.dates import utcnow
from qa_app.extensions import db

HOW_MANY = 10
# Crockford's base32 alphabet: no I, L, O or U to misread.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def _normalise(code):
    """A code as typed, compared without case, spaces or dashes (and O read as 0, I and L as 1)."""
    kept = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    return kept.replace("o", "0").replace("i", "1").replace("l", "1")


def _hash(code):
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _new_code():
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def replace_codes(user):
    """Make ten new codes for the user (any old ones stop working); returns them to show once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_code() for _ in range(HOW_MANY)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    db.session.flush()
    return codes


def use_code(user, code):
    """True, and the code spent, when it is one of the user's unused codes."""
    if not _normalise(code):
        return False
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return spent.rowcount == 1


def codes_left(user):
    """How many of the user's recovery codes are unused."""
    return db.session.scalar(
        select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def remove_codes(user):
    """Forget all the user's recovery codes."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()
