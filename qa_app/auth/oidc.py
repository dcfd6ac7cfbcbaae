"""Sign-in with the council's identity provider: OpenID Connect's authorisation code flow
with PKCE (S256), state and nonce, by Authlib.

Configured by OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (the endpoints and keys come
from the issuer's metadata, fetched on the first sign-in), with OIDC_ALLOWED_TENANTS for Entra
ID's multi-tenant issuer. Unconfigured, the routes answer 404 and the sign-in page shows no
button. The identity provider vouches for a person; the account and its role are the app's.
"""

import os

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from joserfc.errors import JoseError

from qa_app.auth import bp
from qa_app.auth.identity import (
    Refusal,
    account_for,
    claims_options,
    password_sign_in_roles,
    provider_name,
    tenant_refusal,
)
from qa_app.auth.models import ROLES
from qa_app.auth.routes import home_page, safe_next
from qa_app.auth.throttle import failed, succeeded, take_attempt
from qa_app.extensions import db

EXTENSION = "qa_app.oidc"
# Sign-ins through the identity provider are throttled as one account: refused callbacks from
# an address count against it, and a signed-in one gives its address's count back.
THROTTLE_ACCOUNT = "identity-provider"
# What the refused page says, by the reason identity.py gives.
REFUSALS = {
    "tenant": (
        "Your organisation cannot sign in here",
        "You signed in with an account from an organisation this service does not accept. "
        "Sign in with your {provider} account.",
    ),
    "unverified": (
        "Your email address could not be confirmed",
        "{provider} did not confirm the email address of the account you signed in with, so "
        "it cannot be matched to an account here. Ask your IT service desk to check it.",
    ),
    "unknown": (
        "You do not have an account here yet",
        "{provider} confirmed who you are, but no account in this service has your email "
        "address. No account has been made. Ask an administrator of this service to add you.",
    ),
    "inactive": (
        "Your account cannot sign in",
        "Your account in this service has been switched off. Ask an administrator of this "
        "service if you still need it.",
    ),
    "unreachable": (
        "The council's sign-in cannot be reached",
        "{provider}'s sign-in service did not answer. Try again in a few minutes; if it still "
        "does not answer, tell your IT service desk.",
    ),
    "failed": (
        "Sign-in could not be completed",
        "The sign-in with {provider} did not finish, or took too long. Start again from the sign-in page.",
    ),
}

# The answer's status: the person's own sign-in refused is 403; a broken flow 400; the
# provider not answering 502.
REFUSAL_STATUS = {"failed": 400, "unreachable": 502}


def configured(config):
    """True when an identity provider is set up (issuer and client id)."""
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def allowed_tenants(config):
    """OIDC_ALLOWED_TENANTS as a set: a list, or tenant ids separated by commas."""
    setting = config.get("OIDC_ALLOWED_TENANTS") or []
    if isinstance(setting, str):
        setting = setting.split(",")
    return {tenant.strip() for tenant in setting if tenant.strip()}


@bp.record_once
def _check_settings(state):
    """Refuse to start when PASSWORD_SIGN_IN_ROLES names unknown roles, or leaves some with no
    way to sign in, or when the issuer is not on HTTPS."""
    config = state.app.config
    roles = password_sign_in_roles(config)
    unknown = roles - set(ROLES)
    if unknown:
        raise RuntimeError(f"PASSWORD_SIGN_IN_ROLES names unknown roles: {', '.join(sorted(unknown))}")
    issuer = config.get("OIDC_ISSUER") or ""
    # Authlib refuses plain HTTP to the token endpoint unless told otherwise (local tests).
    if issuer and not issuer.startswith("https://") and not os.environ.get("AUTHLIB_INSECURE_TRANSPORT"):
        raise RuntimeError("OIDC_ISSUER must be an https:// address (see README).")
    if roles != set(ROLES) and not configured(config):
        raise RuntimeError(
            "PASSWORD_SIGN_IN_ROLES leaves roles without a way to sign in: set OIDC_ISSUER "
            "and OIDC_CLIENT_ID, or list every role (see README)."
        )


def _client():
    """The identity provider's client, registered on first use (its metadata is read at the
    first sign-in, so the app starts while the provider is away); 404 when none is configured."""
    config = current_app.config
    if not configured(config):
        abort(404)
    key = (config["OIDC_ISSUER"], config["OIDC_CLIENT_ID"])
    clients = current_app.extensions.setdefault(EXTENSION, {})
    if key not in clients:
        issuer = config["OIDC_ISSUER"].rstrip("/")
        clients[key] = OAuth(current_app).register(
            "council",
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config.get("OIDC_CLIENT_SECRET"),
            server_metadata_url=f"{issuer}/.well-known/openid-configuration",
            client_kwargs={
                "scope": "openid email profile",
                "code_challenge_method": "S256",
                "default_timeout": 10,
            },
        )
    return clients[key]


@bp.app_context_processor
def _sign_in_button():
    """The sign-in page's button to the identity provider, when one is configured."""
    config = current_app.config
    return {"identity_provider": provider_name(config) if configured(config) else None}


@bp.route("/login/oidc")
def oidc_start():
    """Send the person to the council's identity provider to sign in."""
    if current_user.is_authenticated:
        return redirect(home_page(current_user))
    client = _client()
    session["oidc_next"] = safe_next(request.args.get("next"))
    try:
        return client.authorize_redirect(url_for("auth.oidc_callback", _external=True))
    except requests.RequestException:
        current_app.logger.warning("Identity provider's metadata could not be read")
        return _refused(Refusal("unreachable"), 502)


@bp.route("/login/oidc/callback")
def oidc_callback():
    """Finish the sign-in: check the ID token, its tenant and email, then sign the account in."""
    if current_user.is_authenticated:
        return redirect(home_page(current_user))
    client = _client()
    if not take_attempt(THROTTLE_ACCOUNT):
        abort(429)
    outcome = _account_from_callback(client)
    if isinstance(outcome, Refusal):
        if outcome.reason != "unreachable":  # the provider being down is no one's failed try
            failed(THROTTLE_ACCOUNT)
        return _refused(outcome, REFUSAL_STATUS.get(outcome.reason, 403))
    succeeded(THROTTLE_ACCOUNT)
    target = session.get("oidc_next")
    session.clear()
    session.permanent = True
    login_user(outcome)
    db.session.commit()
    current_app.logger.info("Signed in through the identity provider: user %s, %s", outcome.id, outcome.role)
    return redirect(target or home_page(outcome))


def _account_from_callback(client):
    """The account the identity provider's answer names, or a Refusal saying why not."""
    try:
        issuer = client.load_server_metadata().get("issuer", "")
        token = client.authorize_access_token(claims_options=claims_options(issuer))
    except requests.RequestException as error:
        current_app.logger.warning("Identity provider did not answer: %s", type(error).__name__)
        return Refusal("unreachable")
    except (AuthlibBaseError, JoseError, ValueError) as error:
        current_app.logger.warning("Identity provider sign-in failed: %s", type(error).__name__)
        return Refusal("failed")
    claims = token.get("userinfo")
    if not claims:
        return Refusal("failed")
    refusal = tenant_refusal(claims, issuer, allowed_tenants(current_app.config))
    outcome = refusal or account_for(claims)
    if isinstance(outcome, Refusal):
        current_app.logger.info(
            "Identity provider sign-in refused (%s) for subject %s", outcome.reason, claims.get("sub")
        )
    return outcome


def _refused(refusal, status):
    """The page that says why the person cannot sign in, and what to do."""
    title, advice = REFUSALS[refusal.reason]
    advice = advice.format(provider=provider_name(current_app.config))
    return render_template("auth/oidc_refused.html", title=title, advice=advice), status
