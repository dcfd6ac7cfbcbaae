"""Staff sign in through the council's identity provider in Chromium: a real OpenID Connect
server (Canaille) on this machine, the app's sign-in page, and the pages it leads to."""

import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from qa_app import create_app
from qa_app.extensions import db
from tests.browser.conftest import sign_in
from tests.identity_provider import person, register_app

COUNCIL_TENANT = "6d1c4a3e-0b8f-4f6e-9a57-2b1f3c9d8e01"


@pytest.fixture
def serve(tmp_path, council_idp):
    """serve(**config) -> the base URL of the app with the demo data, signed up with the
    identity provider, on a free port of 127.0.0.1."""
    servers = []

    def _serve(**config):
        app = create_app(
            {
                "ENV_NAME": "testing",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'oidc.sqlite'}",
                "WTF_CSRF_ENABLED": True,
                "PHOTO_STORAGE_PATH": str(tmp_path / "photos"),
            }
        )
        with app.app_context():
            from qa_app import demo

            db.create_all()
            demo.seed()
            db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        base_url = f"http://127.0.0.1:{server.server_port}"
        app.config.update(register_app(council_idp, base_url), **config)
        return base_url

    yield _serve
    for server in servers:
        server.shutdown()


def through_provider(page, server, who):
    """Press the sign-in page's button and sign in at the identity provider as `who`."""
    server.login(who)
    server.consent(who)
    try:
        page.get_by_role("button", name="Sign in with Riverside Borough Council").click()
        expect(page.locator("h1")).to_be_visible()
        page.wait_for_load_state()
    finally:
        server.logout()


def test_a_known_officer_signs_in_through_the_identity_provider(serve, page, council_idp):
    """The officer's council account has the email of their account here: they land on their
    visit programme as the QA officer the administrator made them."""
    base_url = serve()
    page.goto(f"{base_url}/login")
    expect(
        page.get_by_text("Council staff sign in with their Riverside Borough Council account")
    ).to_be_visible()
    through_provider(page, council_idp, person(council_idp, "officer@example.org"))
    expect(page).to_have_url(f"{base_url}/programme")
    expect(page.locator(".app-header__user")).to_contain_text("Priya Shah (QA officer)")


def test_an_unknown_email_gets_a_clear_page(serve, page, council_idp):
    """Someone the provider knows but this service does not is told so, and is not signed in."""
    base_url = serve()
    page.goto(f"{base_url}/login")
    through_provider(page, council_idp, person(council_idp, "new.starter@example.org"))
    expect(page.locator("h1")).to_have_text("You do not have an account here yet")
    expect(page.get_by_text("No account has been made")).to_be_visible()
    page.goto(f"{base_url}/programme")
    expect(page).to_have_url(f"{base_url}/login?next=/programme")


def test_a_tenant_not_allowed_is_refused(serve, page, council_idp):
    """With only the council's Entra ID tenant allowed, a token from another issuer (this
    server names no tenant) signs no one in, even a known officer."""
    base_url = serve(OIDC_ALLOWED_TENANTS=COUNCIL_TENANT)
    page.goto(f"{base_url}/login")
    through_provider(page, council_idp, person(council_idp, "officer@example.org"))
    expect(page.locator("h1")).to_have_text("Your organisation cannot sign in here")


def test_password_sign_in_is_refused_for_a_role_not_listed(serve, page, new_page, council_idp):
    """With PASSWORD_SIGN_IN_ROLES naming school and provider staff only, an officer's right
    password is refused with where to sign in instead; school staff still use a password."""
    base_url = serve(PASSWORD_SIGN_IN_ROLES="school,provider")
    sign_in(page, base_url, "officer@example.org")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Your account signs in with Riverside Borough Council, not a password"
    )
    school = new_page()
    sign_in(school, base_url, "school@example.org")
    expect(school).to_have_url(f"{base_url}/home")
