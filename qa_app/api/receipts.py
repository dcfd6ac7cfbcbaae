"""The stored answer to each idempotent API write (a visit's, a placement's, a photo's),
keyed by the client's Idempotency-Key: a resent request gets it back instead of being
applied twice (api/idempotency.py)."""

from qa_app.dates import utcnow
from qa_app.extensions import db


class SyncReceipt(db.Model):
    """The stored answer to one idempotent API write, keyed by the client's Idempotency-Key."""

    key = db.Column(db.String(64), primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    # The record the write was to: a visit's or a placement's uuid.
    record_uuid = db.Column(db.String(36), nullable=False)
    request_hash = db.Column(db.String(64), nullable=False)
    status_code = db.Column(db.Integer, nullable=False)
    response = db.Column(db.JSON, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
