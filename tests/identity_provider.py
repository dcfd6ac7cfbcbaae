"""A real OpenID Connect server for the sign-in tests: Canaille, started on this machine by
pytest-iam, which the app reaches over HTTP for its metadata, keys and tokens."""

import uuid
from datetime import UTC, datetime

import pytest
import requests

# Canaille names no `email_verified` claim by itself: its users here are verified unless their
# department says otherwise, so a test can make a person whose email is not confirmed.
EMAIL_VERIFIED = "{% if user.department == 'unverified' %}false{% else %}true{% endif %}"


@pytest.fixture(scope="session")
def council_idp(iam_server):
    """The council's identity provider: pytest-iam's Canaille, sending `email_verified`."""
    iam_server.app.config["CANAILLE_OIDC"]["USERINFO_MAPPING"]["EMAIL_VERIFIED"] = EMAIL_VERIFIED
    return iam_server


def register_app(server, base_url):
    """Register the app with the identity provider, as an app registration in Entra ID does:
    its redirect URI and a client secret. Returns the app's OIDC settings."""
    secret = uuid.uuid4().hex
    with server.app.app_context():
        client = server.models.Client(
            client_id=uuid.uuid4().hex,
            client_secret=secret,
            client_name="AP quality assurance",
            client_uri=base_url,
            client_id_issued_at=datetime.now(UTC),
            redirect_uris=[f"{base_url}/login/oidc/callback"],
            grant_types=["authorization_code"],
            response_types=["code"],
            token_endpoint_auth_method="client_secret_basic",
            scope=["openid", "email", "profile"],
        )
        server.backend.save(client)
    return {"OIDC_ISSUER": server.url, "OIDC_CLIENT_ID": client.client_id, "OIDC_CLIENT_SECRET": secret}


def person(server, email, verified=True):
    """Someone with an account at the identity provider (its own, not the app's)."""
    return server.random_user(
        user_name=f"staff-{uuid.uuid4().hex[:8]}",
        emails=[email],
        department=None if verified else "unverified",
    )


def approve_at_provider(server, who, authorize_url):
    """`who` signs in at the identity provider, which sends them back to the app: the address
    it redirects to (the app's callback with a code and the state)."""
    server.login(who)
    server.consent(who)
    try:
        answer = requests.get(authorize_url, allow_redirects=False, timeout=10)
    finally:
        server.logout()
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]
