"""Passkeys (WebAuthn, through the `webauthn` package): registering one and signing in with it.

The relying party is this service: WEBAUTHN_RP_ID (a domain name, never an IP address) and
WEBAUTHN_ORIGIN, each read from the request's own address when not configured. The browser
refuses to use a credential on any other site, which is what makes a passkey phishing-proof.
The challenge is made here and checked here; the caller keeps it between the two requests.
These flush; the caller commits.
"""

import json
import secrets
from urllib.parse import urlsplit

from sqlalchemy import select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from qa_app.auth.mfa.models import Passkey
from qa_app.dates import utcnow
from qa_app.domain import Invalid
from qa_app.extensions import db

NAME_MAX = 60


class RelyingParty:
    """Who the passkeys are for: the site's domain, its origin and the name people see."""

    def __init__(self, rp_id, origin, name):
        self.id = rp_id
        self.origin = origin
        self.name = name

    @classmethod
    def from_config(cls, config, host_url):
        """The configured relying party, or the one the request's own address names."""
        own = urlsplit(host_url)
        rp_id = config.get("WEBAUTHN_RP_ID") or own.hostname
        origin = config.get("WEBAUTHN_ORIGIN") or f"{own.scheme}://{own.netloc}"
        return cls(rp_id, origin, config["SERVICE_NAME"])


def passkeys_of(user):
    """The user's passkeys, oldest first."""
    return db.session.scalars(select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id)).all()


def _descriptors(passkeys):
    return [
        PublicKeyCredentialDescriptor(
            id=passkey.credential_id,
            transports=[AuthenticatorTransport(t) for t in passkey.transports.split() if _known(t)],
        )
        for passkey in passkeys
    ]


def _known(transport):
    return transport in {t.value for t in AuthenticatorTransport}


def registration_options(user, party):
    """(options as JSON for navigator.credentials.create(), the challenge and the user handle
    to keep for register())."""
    existing = passkeys_of(user)
    handle = existing[0].user_handle if existing else secrets.token_bytes(32)
    options = generate_registration_options(
        rp_id=party.id,
        rp_name=party.name,
        user_name=user.email,
        user_id=handle,
        user_display_name=user.name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(existing),
    )
    return options_to_json(options), options.challenge, handle


def register(user, party, challenge, handle, credential_json, name):
    """Verify the browser's answer to the registration options and keep the passkey; raises
    Invalid with a message for the page when the answer does not hold up."""
    name = " ".join((name or "").split())
    if not name:
        raise Invalid({"name": "Enter a name for this passkey, like Work laptop"})
    if len(name) > NAME_MAX:
        raise Invalid({"name": f"Passkey name must be {NAME_MAX} characters or fewer"})
    if not challenge or not handle or not credential_json:
        raise Invalid({"passkey": "Your browser did not create a passkey. Try again."})
    try:
        verified = verify_registration_response(
            credential=credential_json,
            expected_challenge=challenge,
            expected_rp_id=party.id,
            expected_origin=party.origin,
        )
        transports = json.loads(credential_json).get("response", {}).get("transports") or []
    except (WebAuthnException, ValueError, TypeError, AttributeError):
        raise Invalid({"passkey": "That passkey could not be checked. Try again."}) from None
    if db.session.scalar(select(Passkey.id).where(Passkey.credential_id == verified.credential_id)):
        raise Invalid({"passkey": "That passkey is already registered."})
    existing = passkeys_of(user)
    passkey = Passkey(
        user_id=user.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        user_handle=existing[0].user_handle if existing else handle,
        transports=" ".join(t for t in transports if isinstance(t, str) and _known(t)),
        name=name,
    )
    db.session.add(passkey)
    db.session.flush()
    return passkey


def authentication_options(user, party):
    """(options as JSON for navigator.credentials.get(), the challenge to keep), naming only
    this user's passkeys."""
    options = generate_authentication_options(
        rp_id=party.id,
        allow_credentials=_descriptors(passkeys_of(user)),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options), options.challenge


def authenticate(user, party, challenge, credential_json):
    """The user's passkey that signed this challenge, its counter moved on; None when the
    answer is not a good signature by one of this user's passkeys."""
    if not challenge or not credential_json:
        return None
    try:
        raw_id = json.loads(credential_json).get("rawId") or ""
    except (ValueError, AttributeError):
        return None
    passkey = next((p for p in passkeys_of(user) if bytes_to_base64url(p.credential_id) == raw_id), None)
    if passkey is None:
        return None
    try:
        verified = verify_authentication_response(
            credential=credential_json,
            expected_challenge=challenge,
            expected_rp_id=party.id,
            expected_origin=party.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, TypeError, AttributeError):
        return None
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    db.session.flush()
    return passkey


def remove(user, passkey_id):
    """Forget one of the user's passkeys; False when the user has no such passkey."""
    passkey = db.session.get(Passkey, passkey_id)
    if passkey is None or passkey.user_id != user.id:
        return False
    db.session.delete(passkey)
    db.session.flush()
    return True
