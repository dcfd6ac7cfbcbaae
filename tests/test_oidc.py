"""Sign-in with the council's identity provider, against a real OpenID Connect server
(Canaille, on this machine): the code flow with PKCE, state and nonce; accounts matched by
verified email; tenants; and password sign-in switched off by role."""

from urllib.parse import parse_qs, urlsplit

import pytest

from qa_app import create_app
from qa_app.auth.identity import claims_options, email_verified, tenant_refusal
from qa_app.auth.models import User
from qa_app.extensions import db
from tests.factories import PASSWORD
from tests.identity_provider import approve_at_provider, person, register_app

ENTRA = "https://login.microsoftonline.com/{tenantid}/v2.0"
COUNCIL = "6d1c4a3e-0b8f-4f6e-9a57-2b1f3c9d8e01"
OTHER = "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"


@pytest.fixture
def idp_app(app, council_idp):
    """idp_app(**config) -> the test's app, signed up with the identity provider."""

    def _configure(**config):
        app.config.update(register_app(council_idp, "http://localhost"), **config)
        return app

    return _configure


def sign_in_through_provider(server, client, who):
    """Press "Sign in with ..." and sign in at the provider; the app's answer to the callback."""
    start = client.get("/login/oidc")
    assert start.status_code == 302, start.data[:300]
    callback = approve_at_provider(server, who, start.headers["Location"])
    return client.get(callback.removeprefix("http://localhost"))


def test_a_known_person_signs_in_with_their_role_in_the_app(idp_app, make_user, council_idp):
    """A staff member whose verified email is an account's lands on that account's home page,
    with the role the administrator gave it; no account is made."""
    app = idp_app()
    officer = make_user("officer", email="Pat.Officer@example.org")
    accounts = db.session.query(User).count()
    client = app.test_client()
    answer = sign_in_through_provider(council_idp, client, person(council_idp, "pat.officer@example.org"))
    assert answer.status_code == 302 and answer.headers["Location"] == "/programme"
    page = client.get("/programme")
    assert page.status_code == 200 and "QA officer" in page.get_data(as_text=True)
    assert db.session.query(User).count() == accounts
    assert db.session.get(User, officer.id).role == "officer"
    assert db.session.get(User, officer.id).last_sign_in_at is not None


def test_the_flow_uses_pkce_state_and_nonce(idp_app, council_idp):
    """The authorisation request carries a S256 code challenge, a state and a nonce."""
    app = idp_app()
    start = app.test_client().get("/login/oidc")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert start.headers["Location"].startswith(council_idp.url)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["response_type"] == ["code"] and "openid" in query["scope"][0].split()


@pytest.mark.parametrize(
    "verified, title",
    [(True, "You do not have an account here yet"), (False, "Your email address could not be confirmed")],
)
def test_an_unknown_or_unverified_person_gets_a_clear_page(idp_app, council_idp, make_user, verified, title):
    """No account has this email, or the provider did not confirm it: a page says so and what
    to do, and no account is made."""
    app = idp_app()
    make_user("officer", email="known@example.org")
    email = "stranger@example.org" if verified else "known@example.org"
    accounts = db.session.query(User).count()
    client = app.test_client()
    answer = sign_in_through_provider(council_idp, client, person(council_idp, email, verified=verified))
    assert answer.status_code == 403 and title in answer.get_data(as_text=True)
    assert db.session.query(User).count() == accounts
    assert client.get("/programme").status_code == 302  # still signed out


def test_a_switched_off_account_cannot_sign_in(idp_app, council_idp, make_user):
    """An account an administrator switched off stays off, whatever the provider says."""
    app = idp_app()
    make_user("officer", email="gone@example.org", active=False)
    answer = sign_in_through_provider(council_idp, app.test_client(), person(council_idp, "gone@example.org"))
    assert answer.status_code == 403 and "Your account cannot sign in" in answer.get_data(as_text=True)


def test_a_token_from_a_tenant_not_allowed_is_refused(idp_app, council_idp, make_user):
    """With OIDC_ALLOWED_TENANTS set, a token that names none of them (this server's names no
    tenant) signs no one in, even for a known, verified email."""
    app = idp_app(OIDC_ALLOWED_TENANTS=COUNCIL)
    make_user("officer", email="tenant@example.org")
    client = app.test_client()
    answer = sign_in_through_provider(council_idp, client, person(council_idp, "tenant@example.org"))
    assert answer.status_code == 403 and "Your organisation cannot sign in here" in answer.get_data(
        as_text=True
    )
    assert client.get("/programme").status_code == 302


def test_a_callback_the_app_did_not_start_is_refused(idp_app, council_idp, make_user):
    """A code and state this browser did not ask for (a forged or replayed callback) sign no
    one in, and a code is used once."""
    app = idp_app()
    make_user("officer", email="replay@example.org")
    victim = app.test_client()
    start = victim.get("/login/oidc")
    callback = approve_at_provider(
        council_idp, person(council_idp, "replay@example.org"), start.headers["Location"]
    )
    path = callback.removeprefix("http://localhost")
    forged = app.test_client().get(path)
    assert forged.status_code == 400 and "Sign-in could not be completed" in forged.get_data(as_text=True)
    assert victim.get(path).status_code == 302
    victim.post("/logout")
    assert victim.get(path).status_code == 400


def test_refused_callbacks_are_throttled_as_failed_passwords_are(make_app, council_idp):
    """Callbacks that sign no one in count as failures from that address: the sixth in a
    minute gets the "Too many attempts" page, as a sixth wrong password does."""
    app = make_app(RATELIMIT_ENABLED=True, **register_app(council_idp, "http://localhost"))
    client = app.test_client()
    for attempt in range(5):
        answer = client.get(f"/login/oidc/callback?code=forged-{attempt}&state=forged")
        assert answer.status_code == 400
    answer = client.get("/login/oidc/callback?code=forged&state=forged")
    assert answer.status_code == 429 and b"Too many attempts" in answer.data


def test_a_provider_that_does_not_answer_gets_a_clear_page(app):
    """With the identity provider down, the button leads to a page that says so (502)."""
    app.config.update(OIDC_ISSUER="http://127.0.0.1:9", OIDC_CLIENT_ID="qa_app")
    answer = app.test_client().get("/login/oidc")
    assert answer.status_code == 502
    assert "sign-in cannot be reached" in answer.get_data(as_text=True)


def test_sign_in_returns_to_the_page_asked_for(idp_app, council_idp, make_user):
    """The page that asked for a sign-in is where the person lands, if it is on this site."""
    app = idp_app()
    make_user("head_of_access", email="head.next@example.org")
    client = app.test_client()
    start = client.get("/login/oidc?next=/escalations")
    callback = approve_at_provider(
        council_idp, person(council_idp, "head.next@example.org"), start.headers["Location"]
    )
    assert client.get(callback.removeprefix("http://localhost")).headers["Location"] == "/escalations"


def test_the_sign_in_page_offers_the_provider_only_when_configured(app, council_idp):
    """The button appears when an identity provider is configured; without one the routes are
    not there and the page is as it was."""
    plain = app.test_client()
    assert "/login/oidc" not in plain.get("/login").get_data(as_text=True)
    assert plain.get("/login/oidc").status_code == 404
    assert plain.get("/login/oidc/callback?code=x&state=y").status_code == 404
    app.config.update(register_app(council_idp, "http://localhost"), OIDC_PROVIDER_NAME="Riverside Council")
    page = app.test_client().get("/login").get_data(as_text=True)
    assert "Sign in with Riverside Council" in page and 'href="/login/oidc' in page


def test_password_sign_in_is_refused_for_roles_not_listed(idp_app, make_user):
    """PASSWORD_SIGN_IN_ROLES leaves out the staff roles: their right password is refused with
    where to sign in instead; the roles listed sign in with a password as before."""
    app = idp_app(PASSWORD_SIGN_IN_ROLES="school,provider")
    officer, school = make_user("officer"), make_user("school")
    client = app.test_client()
    refused = client.post("/login", data={"email": officer.email, "password": PASSWORD})
    assert refused.status_code == 400
    assert "signs in with Riverside Borough Council, not a password" in refused.get_data(as_text=True)
    assert client.get("/programme").status_code == 302
    wrong = client.post("/login", data={"email": officer.email, "password": "not-the-password"})
    assert "Enter a correct email address and password" in wrong.get_data(as_text=True)
    assert client.post("/login", data={"email": school.email, "password": PASSWORD}).status_code == 302


def test_the_settings_are_checked_at_start_up(monkeypatch):
    """Unknown roles, roles left with no way to sign in (no identity provider), or an issuer
    not on HTTPS stop the app."""
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)
    base = {"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    with pytest.raises(RuntimeError, match="must be an https:// address"):
        create_app(base | {"OIDC_ISSUER": "http://idp.example.org", "OIDC_CLIENT_ID": "qa_app"})
    assert create_app(base | {"OIDC_ISSUER": "https://idp.example.org", "OIDC_CLIENT_ID": "qa_app"})
    with pytest.raises(RuntimeError, match="unknown roles: teacher"):
        create_app(base | {"PASSWORD_SIGN_IN_ROLES": "school,teacher"})
    with pytest.raises(RuntimeError, match="without a way to sign in"):
        create_app(base | {"PASSWORD_SIGN_IN_ROLES": "school,provider"})
    assert create_app(base | {"PASSWORD_SIGN_IN_ROLES": "officer,head_of_access,school,admin,provider"})


# Entra ID's multi-tenant issuer, checked by the app (Authlib issues 295 and 605).


def test_entra_ids_templated_issuer_is_required_not_pinned():
    """Authlib would compare `iss` with "{tenantid}" itself and refuse every token; the app
    pins a plain issuer and checks a templated one against the token's tenant."""
    assert claims_options(ENTRA) == {"iss": {"essential": True}}
    assert claims_options("https://idp.example.org") == {
        "iss": {"essential": True, "values": ["https://idp.example.org"]}
    }


@pytest.mark.parametrize(
    "claims, allowed, refused",
    [
        ({"tid": COUNCIL, "iss": ENTRA.replace("{tenantid}", COUNCIL)}, {COUNCIL}, False),
        ({"tid": OTHER, "iss": ENTRA.replace("{tenantid}", OTHER)}, {COUNCIL}, True),
        ({"tid": COUNCIL, "iss": ENTRA.replace("{tenantid}", OTHER)}, {COUNCIL}, True),
        ({"iss": ENTRA.replace("{tenantid}", COUNCIL)}, {COUNCIL}, True),
        ({"tid": COUNCIL, "iss": ENTRA.replace("{tenantid}", COUNCIL)}, set(), True),
    ],
    ids=["council", "other-tenant", "iss-of-another-tenant", "no-tid", "no-allow-list"],
)
def test_the_tenant_must_be_allowed_and_match_the_issuer(claims, allowed, refused):
    """The token's `tid` is one of OIDC_ALLOWED_TENANTS and its `iss` is that tenant's issuer;
    a templated issuer with no allow-list lets no one in."""
    assert (tenant_refusal(claims, ENTRA, allowed) is not None) is refused


def test_a_single_tenant_issuer_needs_no_allow_list():
    """A plain issuer (pinned by Authlib) is accepted without OIDC_ALLOWED_TENANTS."""
    assert tenant_refusal({"iss": "https://idp.example.org"}, "https://idp.example.org", set()) is None


@pytest.mark.parametrize(
    "claims, verified",
    [
        ({"email_verified": True}, True),
        ({"email_verified": "true"}, True),
        ({"xms_edov": True}, True),
        ({"email_verified": False}, False),
        ({"email_verified": "false"}, False),
        ({}, False),
    ],
)
def test_only_a_confirmed_email_matches(claims, verified):
    """`email_verified`, or Entra ID's `xms_edov`, must say the email is the person's."""
    assert email_verified(claims) is verified
