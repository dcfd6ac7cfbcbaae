"""Idempotent writes: one answer per Idempotency-Key (IETF idempotency-key draft).

A write claims its key first, by inserting the key's receipt in the transaction that
makes the change, and fills in the answer before it commits. A copy of the request that
arrives meanwhile (a tablet resending what looked lost) waits on that row: PostgreSQL
holds the copy's insert on the unique key, SQLite on its one write lock. When the first
commits, the copy's insert fails and it returns the stored answer; when the first was
refused (rolled back, nothing remembered), the copy makes the same save and gets the same
refusal itself. A copy that waits longer than the bound is told the request is still in
progress. The same key with a different request is refused.
"""

import hashlib
import json
from contextlib import contextmanager

from sqlalchemy import insert, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from qa_app.api.receipts import SyncReceipt
from qa_app.domain import DomainError
from qa_app.extensions import SQLITE_BUSY_TIMEOUT_MS, db

# PostgreSQL's "lock_not_available": lock_timeout ran out.
LOCK_NOT_AVAILABLE = "55P03"


class KeyReused(DomainError):
    """The key was used before for a different request."""

    code = "idempotency_key_reused"


class InProgress(Exception):
    """The request with this key is still being handled; ask again shortly."""


def request_hash(method, path, if_match, body):
    """A fingerprint of what was asked: method, path, precondition and canonical body."""
    canonical = json.dumps([method, path, if_match, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def stored_answer(key, user_id, fingerprint):
    """The (status, body) stored for this key, None if new; KeyReused if it doesn't match."""
    receipt = db.session.get(SyncReceipt, key)
    if receipt is None:
        return None
    if receipt.user_id != user_id or receipt.request_hash != fingerprint:
        raise KeyReused(key)
    return receipt.status_code, receipt.response


@contextmanager
def waiting_at_most(seconds):
    """Statements in this block wait at most `seconds` for a lock another transaction holds
    (and raise OperationalError after); on PostgreSQL, to the end of the transaction."""
    milliseconds = max(1, int(seconds * 1000))
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"SET LOCAL lock_timeout = {milliseconds}"))
        yield
        return
    # SQLite's setting belongs to the connection, not the transaction: set it on the driver's
    # connection, which can be reset whatever state the session is left in.
    sqlite = db.session.connection().connection.dbapi_connection
    sqlite.execute(f"PRAGMA busy_timeout = {milliseconds}")
    try:
        yield
    finally:
        sqlite.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")


def _wait_ran_out(error):
    """True when the database gave up waiting for a lock (rather than failing otherwise)."""
    cause = error.orig
    return getattr(cause, "sqlstate", None) == LOCK_NOT_AVAILABLE or "database is locked" in str(cause)


_CLAIM = insert(SyncReceipt.__table__)


def _claim(key, user_id, record_uuid, fingerprint, wait):
    """True when this request holds the key's receipt, its answer to be filled in; False
    when another request has stored an answer under the key. InProgress when the wait runs
    out. (A statement rather than an object: a save of a whole backlog claims many keys.)"""
    claim = {
        "key": key,
        "user_id": user_id,
        "record_uuid": record_uuid,
        "request_hash": fingerprint,
        "status_code": 0,
        "response": {},
    }
    try:
        with waiting_at_most(wait):
            db.session.execute(_CLAIM, claim)
    except IntegrityError:
        db.session.rollback()
        return False
    except OperationalError as error:
        db.session.rollback()
        if _wait_ran_out(error):
            raise InProgress(key) from error
        raise
    return True


def answer_once(key, user_id, record_uuid, fingerprint, save, kind, wait):
    """The stored answer to this key, or `save()`'s (status, body) stored under it with the
    change, in one transaction; a refusal is not remembered (nothing changed). Waits at most
    `wait` seconds for a request holding the key (else InProgress). `kind` names the record
    ("visit", "placement") in the answer to a race lost to another request."""
    # The claim first: a new key (nearly every request) then costs no lookup; a key already
    # used fails the insert at once (or, held by a request still running, once it ends).
    if not _claim(key, user_id, record_uuid, fingerprint, wait):
        answer = stored_answer(key, user_id, fingerprint)
        if answer is None:  # the key's receipt is gone again: only a retry can tell
            raise InProgress(key)
        return answer
    try:
        status, payload = save()
        if status >= 400 and status != 409:
            db.session.rollback()  # nothing changed, so nothing to remember
            return status, payload
        db.session.execute(
            update(SyncReceipt).where(SyncReceipt.key == key).values(status_code=status, response=payload)
        )
        db.session.commit()
    except StaleDataError:
        # Another request changed the record in the same moment: nothing of this one is kept.
        db.session.rollback()
        message = f"The {kind} was changed by another request at the same moment; fetch it and retry."
        return 409, {"error": "conflict", "message": message}
    except IntegrityError:
        # Another request, under another key, created the same new record first.
        db.session.rollback()
        return 409, {
            "error": "conflict",
            "message": f"The {kind} was created by another request; fetch it and retry.",
        }
    except OperationalError as error:
        db.session.rollback()
        if _wait_ran_out(error):
            raise InProgress(key) from error
        raise
    return status, payload
