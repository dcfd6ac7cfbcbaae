"""Inviting provider staff: the provider's officer or an administrator sends a one-time link,
valid for 7 days, through the outbox; the person sets a password on arrival and becomes
provider staff. One person, one address: an address already used by anyone is refused.
These flush; the caller commits."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from qa_app.auth.models import User
from qa_app.auth.passwords import password_problem
from qa_app.auth.services import create_user, find_user_by_email, normalise_email
from qa_app.dates import long_date, utcnow
from qa_app.domain import Forbidden, Invalid, Locked, NotFound
from qa_app.extensions import db
from qa_app.notifications.outbox import queue_email
from qa_app.portal.models import StaffInvitation
from qa_app.providers.models import Provider
from qa_app.providers.scopes import may_invite
from qa_app.row_locks import lock_row

VALID_FOR = timedelta(days=7)


def token_hash(token):
    """The SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def staff_of(provider):
    """The provider's staff, by name."""
    return db.session.scalars(
        select(User).where(User.role == "provider", User.provider_id == provider.id).order_by(User.name)
    ).all()


def pending_invitations(provider, now=None):
    """Invitations to this provider not yet accepted nor expired, newest first."""
    now = now or utcnow()
    return db.session.scalars(
        select(StaffInvitation)
        .where(
            StaffInvitation.provider_id == provider.id,
            StaffInvitation.accepted_at.is_(None),
            StaffInvitation.expires_at > now,
        )
        .order_by(StaffInvitation.created_at.desc())
    ).all()


OWN_ADDRESS = "Each person needs their own address"


def _send_invitation(user, provider, email, link):
    """The invitation's email, through the outbox: who invites, to what, and the link."""
    queue_email(
        [email],
        f"You are invited to {provider.name}'s pages on the quality assurance service",
        f"{user.name} has invited you to join {provider.name}'s staff on the local authority's "
        "quality assurance service for alternative provision. There you answer self-assessments, "
        "confirm safeguarding checks for the pupils placed with you and read your reports.\n\n"
        f"Set your password here (the link works once, for 7 days):\n{link}\n\n"
        "If you did not expect this email, ignore it.\n",
    )


def invite(user, provider, name, email, accept_url, now=None):
    """Invite a person to the provider's staff; returns (invitation, token). `accept_url`
    makes the link from the token. The email goes through the outbox."""
    if not may_invite(user, provider):
        raise Forbidden("Only the provider's officer or an administrator invites its staff.")
    email = normalise_email(email)
    name = " ".join((name or "").split())
    if find_user_by_email(email) is not None:
        raise Invalid({"email": "This address is already used by someone who signs in. " + OWN_ADDRESS})
    now = now or utcnow()
    # The provider's row is held while the check runs, so a form sent twice at the same
    # moment invites once.
    lock_row(Provider, provider.id)
    waiting = [i for i in pending_invitations(provider, now) if i.email == email]
    if waiting:
        raise Invalid(
            {
                "email": f"An invitation to this address is already waiting, until {long_date(waiting[0].expires_at.date())}"
            }
        )
    token = secrets.token_urlsafe(32)
    invitation = StaffInvitation(
        provider=provider,
        email=email,
        name=name,
        token_hash=token_hash(token),
        invited_by=user,
        created_at=now,
        expires_at=now + VALID_FOR,
    )
    db.session.add(invitation)
    db.session.flush()
    _send_invitation(user, provider, email, accept_url(token))
    return invitation, token


def open_invitation(token, now=None):
    """The invitation this token opens, or NotFound (unknown), Locked (used or expired)."""
    invitation = db.session.scalar(
        select(StaffInvitation).where(StaffInvitation.token_hash == token_hash(token or "")).with_for_update()
    )
    if invitation is None:
        raise NotFound("This invitation link is not known.")
    if invitation.accepted_at is not None:
        raise Locked("This invitation has been used already. Sign in with your email address and password.")
    if (now or utcnow()) >= invitation.expires_at:
        raise Locked("This invitation has expired. Ask your QA officer for a new one.")
    return invitation


def accept(token, password, confirm, now=None):
    """Use an invitation: make the provider user with this password; returns the user."""
    invitation = open_invitation(token, now)
    problem = password_problem(password or "")
    if problem:
        raise Invalid({"password": problem})
    if password != confirm:
        raise Invalid({"confirm": "The passwords do not match"})
    if find_user_by_email(invitation.email) is not None:
        raise Locked(
            "This address is already used by someone who signs in. Each person needs their own address."
        )
    user = create_user(
        invitation.email, invitation.name, "provider", password, provider_id=invitation.provider_id
    )
    invitation.accepted_at = now or utcnow()
    invitation.user = user
    return user
