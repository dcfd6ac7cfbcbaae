"""Passkeys in Chromium, with its virtual authenticator (the DevTools protocol's WebAuthn
domain, through Playwright's CDP session): school staff register a passkey from their account
page, sign out, sign in with it; then lose it (the authenticator removed, a new device in
its place) and sign in with a recovery code; and a required role sets up an authenticator
app before it is signed in. axe checks every page on the way.

WebAuthn needs a domain name, never an IP address, so the live server is reached as localhost.
"""

import re

import pyotp
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


def add_authenticator(cdp):
    """A new virtual platform authenticator (a device with fingerprint unlock); its id."""
    return cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})["authenticatorId"]


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def test_register_a_passkey_sign_in_with_it_then_lose_it_and_use_a_recovery_code(live_server, page):
    base = live_server.replace("127.0.0.1", "localhost")
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    device = add_authenticator(cdp)

    sign_in(page, base, "school@example.org")
    expect(page).to_have_url(f"{base}/home")
    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text("You have no passkeys.")).to_be_visible()

    page.get_by_role("button", name="Add a passkey").click()
    page.get_by_label("Name this passkey").fill("Work laptop")
    page.get_by_role("button", name="Create a passkey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = page.locator("[data-recovery-codes] code").all_text_contents()
    assert len(codes) == 10
    screenshot(page, "mfa-recovery-codes")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": device})["credentials"]
    assert len(credentials) == 1 and credentials[0]["rpId"] == "localhost"
    count = credentials[0]["signCount"]
    page.get_by_role("button", name="I have kept my codes: continue").click()
    expect(page.locator("[data-passkeys]")).to_contain_text("Work laptop")

    sign_out(page)
    sign_in(page, base, "school@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    screenshot(page, "mfa-second-factor")
    page.get_by_role("button", name="Use your passkey").click()
    expect(page).to_have_url(f"{base}/home")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": device})["credentials"]
    assert credentials[0]["signCount"] > count  # the authenticator signed this sign-in

    # The laptop is lost: its authenticator goes, and this device holds no passkey for the account.
    sign_out(page)
    cdp.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": device})
    add_authenticator(cdp)
    sign_in(page, base, "school@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_role("button", name="Use your passkey").click()
    expect(page.get_by_text("No passkey was used. Try again, or use another way.")).to_be_visible()
    expect(page).to_have_url(f"{base}/login/second-factor")

    page.get_by_role("link", name="Use a recovery code").click()
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text("You signed in with a recovery code; 9 left.")).to_be_visible()
    expect(page.locator("[data-codes-left]")).to_have_text("9 of 10 recovery codes unused.")

    page.get_by_role("button", name="Remove passkey Work laptop").click()
    expect(page.get_by_text("Passkey removed.")).to_be_visible()
    expect(page.get_by_text("You have no passkeys.")).to_be_visible()

    # The code is spent: it does not sign in again.
    sign_out(page)
    sign_in(page, base, "school@example.org")
    expect(page).to_have_url(f"{base}/home")  # no factor left: the password alone (not required here)


def test_a_required_role_sets_up_an_authenticator_app_before_it_is_signed_in(live_app, live_server, page):
    """With provider staff required to hold a second factor, the demo's provider sets up an
    authenticator app straight after the password, and is signed in only then."""
    live_app.config["MFA_REQUIRED_ROLES"] = "provider"
    sign_in(page, live_server, "provider@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up a second way to sign in")
    page.goto(f"{live_server}/provider")
    expect(page).to_have_url(re.compile(r"/login"))  # not signed in yet
    page.goto(f"{live_server}/login/set-up")
    page.get_by_role("button", name="Use an authenticator app").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    expect(page.get_by_role("img", name="QR code of the key below")).to_be_visible()
    key = page.locator("[data-totp-key]").text_content().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(
        "000000" if pyotp.TOTP(key).now() != "000000" else "111111"
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-message")).to_contain_text("Enter the 6-digit code")
    assert page.locator("[data-totp-key]").text_content().replace(" ", "") == key  # the same key, kept
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator("[data-recovery-codes] code")).to_have_count(10)
    page.get_by_role("button", name="I have kept my codes: continue").click()
    expect(page).to_have_url(f"{live_server}/provider")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bridges Learning Centre")
