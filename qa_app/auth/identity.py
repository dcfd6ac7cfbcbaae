"""Who the council's identity provider says someone is, and which account that is.

The rules a sign-in through OpenID Connect must pass once Authlib has checked the ID token's
signature, audience, expiry and nonce: the tenant (Entra ID), a verified email, and an
account an administrator made. Nothing here makes an account or reads the request.
"""

from dataclasses import dataclass

from qa_app.auth.models import ROLES, User
from qa_app.auth.services import find_user_by_email, normalise_email
from qa_app.dates import utcnow

# Entra ID's multi-tenant metadata names its issuer with this placeholder; each token's `iss`
# has the tenant's id in its place (Authlib issues 295 and 605).
TENANT_PLACEHOLDER = "{tenantid}"


@dataclass(frozen=True)
class Refusal:
    """Why a person the identity provider vouched for may not sign in here."""

    reason: str  # "tenant", "unverified", "unknown" or "inactive"


def claims_options(issuer):
    """Authlib's checks on the ID token's claims: its `iss` pinned to the metadata's issuer,
    or, for Entra ID's templated issuer, only required (checked by `tenant_refusal`)."""
    if TENANT_PLACEHOLDER in issuer:
        return {"iss": {"essential": True}}
    return {"iss": {"essential": True, "values": [issuer]}}


def tenant_refusal(claims, issuer, allowed_tenants):
    """A Refusal when the token comes from a tenant not allowed, else None.

    With allowed tenants set, the token's `tid` must be one of them and its `iss` must be the
    issuer for that tenant, as Microsoft advises for multi-tenant apps. A templated issuer with
    no allowed tenants is refused: any organisation in Entra ID could sign in otherwise."""
    tenant = claims.get("tid")
    if allowed_tenants:
        if not tenant or tenant not in allowed_tenants:
            return Refusal("tenant")
        if claims.get("iss") != issuer.replace(TENANT_PLACEHOLDER, tenant):
            return Refusal("tenant")
        return None
    if TENANT_PLACEHOLDER in issuer:
        return Refusal("tenant")
    return None


def email_verified(claims):
    """True when the provider vouches for the email: `email_verified` (a boolean, or the string
    some providers send), or Entra ID's `xms_edov` (the email's domain is the tenant's own)."""
    return any(claims.get(name) in (True, "true") for name in ("email_verified", "xms_edov"))


def account_for(claims):
    """The account the claims name, or a Refusal: matched by verified email only, to an
    active account an administrator made. Records the sign-in's time; flushes nothing."""
    email = normalise_email(claims.get("email"))
    if not email or not email_verified(claims):
        return Refusal("unverified")
    user = find_user_by_email(email)
    if user is None:
        return Refusal("unknown")
    if not user.active:
        return Refusal("inactive")
    user.last_sign_in_at = utcnow()
    return user


def password_sign_in_roles(config):
    """The roles that may sign in with a password (PASSWORD_SIGN_IN_ROLES: a list, or names
    separated by commas); every role when unset."""
    setting = config.get("PASSWORD_SIGN_IN_ROLES")
    if setting is None:
        return set(ROLES)
    if isinstance(setting, str):
        setting = setting.split(",")
    return {name.strip() for name in setting if name.strip()}


def password_sign_in_allowed(user, config):
    """True when this user's role may still sign in with a password."""
    return isinstance(user, User) and user.role in password_sign_in_roles(config)


def password_refusal(user, config):
    """What the sign-in form says to a refused password: the usual message, or, when the
    password was right but the role signs in through the identity provider, where to go."""
    if user is None:
        return "Enter a correct email address and password"
    return f"Your account signs in with {provider_name(config)}, not a password: use the button above"


def provider_name(config):
    """The identity provider's name on the sign-in page: OIDC_PROVIDER_NAME, else the authority's."""
    return config.get("OIDC_PROVIDER_NAME") or config.get("AUTHORITY_NAME")
