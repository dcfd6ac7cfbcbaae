"""Idempotent writes: a retried request with the same Idempotency-Key gets the stored
answer; the same key with a different body is refused (IETF idempotency-key draft)."""

import hashlib
import json

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from qa_app.domain import DomainError
from qa_app.extensions import db
from qa_app.visits.models import SyncReceipt


class KeyReused(DomainError):
    """The key was used before for a different request."""

    code = "idempotency_key_reused"


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


def commit_with_receipt(key, user_id, visit_uuid, fingerprint, status, body):
    """Store the answer with the change, in one transaction, and return it.

    A concurrent request with the same key makes this (or the change) raise
    IntegrityError; the caller then answers with what that request stored.
    """
    db.session.add(
        SyncReceipt(
            key=key,
            user_id=user_id,
            visit_uuid=visit_uuid,
            request_hash=fingerprint,
            status_code=status,
            response=body,
        )
    )
    db.session.commit()
    return status, body


def answer_once(key, user_id, record_uuid, fingerprint, save, kind):
    """The stored answer to this key, or `save()`'s (status, body) stored under it with
    the change; a refusal is not remembered (nothing changed). `kind` names the record
    ("visit", "placement") in the answer to a race lost to another request."""
    try:
        answer = stored_answer(key, user_id, fingerprint)
        if answer is None:
            status, payload = save()
            if status >= 400 and status != 409:
                return status, payload  # nothing changed, so nothing to remember
            answer = commit_with_receipt(key, user_id, record_uuid, fingerprint, status, payload)
    except StaleDataError:
        # Another request changed the record in the same moment: nothing of this one is kept.
        db.session.rollback()
        message = f"The {kind} was changed by another request at the same moment; fetch it and retry."
        return 409, {"error": "conflict", "message": message}
    except IntegrityError:
        # A concurrent request got there first: the same key (answer with what it stored)
        # or the same new record under another key (a conflict).
        db.session.rollback()
        answer = stored_answer(key, user_id, fingerprint)
        if answer is None:
            return 409, {
                "error": "conflict",
                "message": f"The {kind} was created by another request; fetch it and retry.",
            }
    return answer
