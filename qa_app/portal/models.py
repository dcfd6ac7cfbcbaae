"""Invitations of provider staff: a one-time link, sent by email, valid for 7 days."""

from qa_app.dates import utcnow
from qa_app.extensions import db


class StaffInvitation(db.Model):
    """An invitation to join a provider's staff. Only the token's SHA-256 is stored, so the
    link in the email is the only copy of the token."""

    id = db.Column(db.Integer, primary_key=True)
    provider_id = db.Column(db.ForeignKey("provider.id", ondelete="CASCADE"), nullable=False, index=True)
    email = db.Column(db.String(254), nullable=False)
    name = db.Column(db.String(120), nullable=False)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    invited_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    expires_at = db.Column(db.DateTime, nullable=False)
    accepted_at = db.Column(db.DateTime)
    user_id = db.Column(db.ForeignKey("user.id"))

    provider = db.relationship("Provider")
    invited_by = db.relationship("User", foreign_keys=[invited_by_id])
    user = db.relationship("User", foreign_keys=[user_id])
