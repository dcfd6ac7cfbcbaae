"""A second factor after the password (docs/domain.md §2.11): authenticator app codes, recovery
codes and passkeys (with a software authenticator; tests/browser/test_passkeys.py uses
Chromium's), required by role through MFA_REQUIRED_ROLES."""

import html
import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from qa_app.auth.mfa import pending, recovery, totp
from qa_app.auth.mfa.models import Passkey, RecoveryCode
from qa_app.auth.mfa.services import has_second_factor, remove_app
from qa_app.domain import Invalid
from qa_app.extensions import db
from tests.factories import PASSWORD
from tests.soft_authenticator import SoftAuthenticator

ORIGIN = "http://localhost"  # the test client's address
T0 = datetime(2026, 12, 7, 9, 0, 0, tzinfo=UTC)


def code_at(secret, moment):
    return pyotp.TOTP(secret).at(moment)


def with_app(user, moment=T0):
    """Give the user an authenticator app set up at `moment`; returns its secret."""
    secret = totp.new_secret()
    totp.set_up(user, secret, code_at(secret, moment), at=moment)
    db.session.commit()
    return secret


def password(client, user):
    return client.post("/login", data={"email": user.email, "password": PASSWORD})


def signed_in_now(client):
    """True when the client's session is signed in (the account page answers)."""
    return client.get("/account").status_code == 200


def options_on(page):
    """The WebAuthn options a page gives its script."""
    return html.unescape(re.search(r'data-options="([^"]+)"', page.get_data(as_text=True)).group(1))


# ---- Authenticator app codes --------------------------------------------------------------


def test_a_code_is_accepted_once_within_its_window(app, make_user):
    """A code works within a step either side of now, once; an older step's code never again."""
    user = make_user("school")
    secret = with_app(user)
    later = T0 + timedelta(seconds=90)
    assert totp.check_code(user, code_at(secret, later - timedelta(seconds=30)), at=later)  # one step late
    assert not totp.check_code(user, code_at(secret, later - timedelta(seconds=30)), at=later)  # again
    assert not totp.check_code(
        user, code_at(secret, later - timedelta(seconds=60)), at=later
    )  # out of window
    assert totp.check_code(user, code_at(secret, later), at=later)
    assert not totp.check_code(user, code_at(secret, later), at=later)
    assert totp.check_code(user, code_at(secret, later + timedelta(seconds=30)), at=later)  # a fast phone
    assert not totp.check_code(user, "12345", at=later) and not totp.check_code(user, "abcdef", at=later)


def test_the_setting_up_code_cannot_be_used_to_sign_in(app, make_user):
    """The code that proved the app was set up is spent."""
    user = make_user("school")
    secret = totp.new_secret()
    totp.set_up(user, secret, code_at(secret, T0), at=T0)
    assert not totp.check_code(user, code_at(secret, T0), at=T0)


def test_a_wrong_code_does_not_set_up_the_app(app, make_user):
    user = make_user("school")
    secret = totp.new_secret()
    with pytest.raises(Invalid):
        totp.set_up(user, secret, "000000" if code_at(secret, T0) != "000000" else "111111", at=T0)
    assert totp.app_of(user) is None


# ---- Recovery codes ------------------------------------------------------------------------


def test_a_recovery_code_works_once(app, make_user):
    """Each of ten codes works once, typed with or without dashes or capitals; another user's
    code and a replaced set do not work."""
    user, other = make_user("school"), make_user("school")
    codes = recovery.replace_codes(user)
    theirs = recovery.replace_codes(other)
    assert len(set(codes)) == 10
    assert recovery.use_code(user, codes[0].upper().replace("-", " "))
    assert not recovery.use_code(user, codes[0])
    assert not recovery.use_code(user, theirs[0])
    assert recovery.codes_left(user) == 9
    fresh = recovery.replace_codes(user)
    assert not recovery.use_code(user, codes[1])
    assert recovery.use_code(user, fresh[1])


def test_recovery_codes_are_stored_hashed(app, make_user):
    user = make_user("school")
    codes = recovery.replace_codes(user)
    db.session.commit()
    stored = db.session.scalars(db.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not any(
        code in h or code.replace("-", "") in h for code in codes for h in stored
    )


# ---- Signing in ----------------------------------------------------------------------------


def test_a_user_with_an_app_is_not_signed_in_until_the_code(client, make_user):
    """The password alone leaves the session signed out; the code signs it in and goes on."""
    user = make_user("school")
    secret = with_app(user, datetime.now(UTC) - timedelta(minutes=5))
    response = client.post(
        "/login", query_string={"next": "/placements"}, data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/login/second-factor"
    assert not signed_in_now(client)
    assert client.get("/home").status_code == 302
    page = client.get("/login/second-factor")
    assert page.status_code == 200 and "authenticator app" in page.get_data(as_text=True)
    assert "Use your passkey" not in page.get_data(as_text=True)  # none registered: not offered
    wrong = client.post("/login/second-factor/code", data={"code": "abc"})
    assert wrong.status_code == 400 and not signed_in_now(client)
    response = client.post("/login/second-factor/code", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response.headers["Location"] == "/placements"
    assert signed_in_now(client)


def test_sign_in_with_a_recovery_code_once(app, make_user):
    """A recovery code signs in once, and leads to the account page to replace what was lost."""
    user = make_user("provider")
    with_app(user)
    codes = recovery.replace_codes(user)
    db.session.commit()
    first = app.test_client()
    password(first, user)
    assert first.get("/login/recovery-code").status_code == 200
    response = first.post("/login/recovery-code", data={"code": codes[3]})
    assert response.headers["Location"] == "/account"
    assert "9 left" in first.get("/account").get_data(as_text=True)
    second = app.test_client()
    password(second, user)
    again = second.post("/login/recovery-code", data={"code": codes[3]})
    assert again.status_code == 400 and "not used before" in again.get_data(as_text=True)
    assert not signed_in_now(second)


def test_five_wrong_answers_and_the_password_is_asked_again(app, make_user):
    user = make_user("school")
    with_app(user)
    recovery.replace_codes(user)
    db.session.commit()
    client = app.test_client()
    password(client, user)
    for _ in range(4):
        assert client.post("/login/recovery-code", data={"code": "aaaa-bbbb-cccc"}).status_code == 400
    response = client.post("/login/recovery-code", data={"code": "aaaa-bbbb-cccc"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/login/recovery-code").headers["Location"] == "/login"


def test_second_factor_guesses_are_throttled_like_passwords(make_app, make_user):
    """Sixth wrong code in a minute from one address: 429, as for a password."""
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_KEY_PREFIX="mfa-test")
    with app.app_context():
        user = make_user("school")
        with_app(user)
        statuses = []
        for _ in range(3):  # each pending sign-in allows five answers; the throttle counts across
            client = app.test_client()
            password(client, user)
            for _ in range(2):
                statuses.append(client.post("/login/second-factor/code", data={"code": "000000"}).status_code)
        assert statuses[:5] == [400] * 5 and statuses[5] == 429


def test_signing_out_elsewhere_ends_a_waiting_sign_in(app, make_user):
    """The wait is tied to the user's sessions: ending them (sign-out, new password) ends it."""
    user = make_user("school")
    with_app(user)
    client = app.test_client()
    password(client, user)
    user.end_sessions()
    db.session.commit()
    assert client.get("/login/second-factor").headers["Location"] == "/login"


def test_users_without_a_factor_sign_in_with_the_password_when_not_required(client, make_user):
    user = make_user("officer")
    assert password(client, user).headers["Location"] == "/programme"


# ---- Required by role ----------------------------------------------------------------------


@pytest.fixture
def required_app(make_app):
    app = make_app(MFA_REQUIRED_ROLES="school,provider")
    with app.app_context():
        yield app


def test_a_required_role_cannot_skip_setting_up_a_factor(required_app, make_user):
    """A school user with no factor is sent to set one up; nothing else opens until then."""
    user = make_user("school")
    client = required_app.test_client()
    assert password(client, user).headers["Location"] == "/login/set-up"
    for path in ("/home", "/placements", "/account", "/", "/login/second-factor"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path
    assert not signed_in_now(client)
    assert client.post("/account/recovery-codes").headers["Location"].startswith("/login")
    page = client.get("/account/authenticator-app")
    key = re.search(r"data-totp-key>([^<]+)<", page.get_data(as_text=True)).group(1).replace(" ", "")
    done = client.post("/account/authenticator-app", data={"code": pyotp.TOTP(key).now()})
    assert done.status_code == 200 and done.get_data(as_text=True).count("<code>") == 10
    assert signed_in_now(client) and client.get("/home").status_code == 200


def test_a_required_role_with_a_factor_is_asked_for_it(required_app, make_user):
    user = make_user("provider")
    with_app(user)
    client = required_app.test_client()
    assert password(client, user).headers["Location"] == "/login/second-factor"
    assert client.get("/login/set-up").headers["Location"] == "/login/second-factor"


def test_other_roles_are_not_required(required_app, make_user):
    client = required_app.test_client()
    assert password(client, make_user("officer")).headers["Location"] == "/programme"


def test_a_required_user_cannot_remove_their_last_factor(required_app, make_user):
    user = make_user("school")
    with_app(user)
    with pytest.raises(Invalid):
        remove_app(user, required_app.config)
    assert has_second_factor(user)


def test_without_a_required_role_the_last_factor_goes_with_its_codes(app, make_user, signed_in):
    user = signed_in("officer")
    with_app(user)
    recovery.replace_codes(user)
    db.session.commit()
    response = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/login/second-factor"
    assert remove_app(user, app.config)
    db.session.commit()
    assert recovery.codes_left(user) == 0
    response = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/programme"


def test_the_setting_up_pages_need_a_waiting_required_sign_in(required_app, make_user):
    """A user waiting to give a factor they have cannot add another instead."""
    user = make_user("school")
    with_app(user)
    client = required_app.test_client()
    password(client, user)
    assert client.get("/account/authenticator-app").headers["Location"].startswith("/login")
    assert client.get("/account/passkeys/new").headers["Location"].startswith("/login")


# ---- Passkeys (a software authenticator) ----------------------------------------------------


def register_passkey(client, authenticator, name="Work laptop"):
    page = client.get("/account/passkeys/new")
    assert page.status_code == 200
    return client.post(
        "/account/passkeys/new",
        data={"name": name, "credential": authenticator.create(options_on(page), ORIGIN)},
    )


def test_register_a_passkey_and_sign_in_with_it(app, client, make_user, login):
    user = make_user("head_of_access")
    login(user)
    device = SoftAuthenticator()
    shown = register_passkey(client, device)
    assert shown.status_code == 200 and shown.get_data(as_text=True).count("<code>") == 10
    assert db.session.scalar(db.select(Passkey.name)) == "Work laptop"
    client.post("/logout")
    assert password(client, user).headers["Location"] == "/login/second-factor"
    page = client.get("/login/second-factor")
    assert "Use your passkey" in page.get_data(as_text=True)
    assert "authenticator app" not in page.get_data(as_text=True)  # none set up: not offered
    response = client.post(
        "/login/second-factor/passkey", data={"credential": device.get(options_on(page), ORIGIN)}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/programme"
    assert db.session.scalar(db.select(Passkey.sign_count)) == 1


def test_a_passkey_answer_is_good_for_its_own_challenge_only(app, client, make_user, login):
    """An answer replayed on a later sign-in, another site's answer and a stranger's passkey fail."""
    user = make_user("school")
    login(user)
    device = SoftAuthenticator()
    register_passkey(client, device)
    client.post("/logout")
    password(client, user)
    first = device.get(options_on(client.get("/login/second-factor")), ORIGIN)
    assert client.post("/login/second-factor/passkey", data={"credential": first}).status_code == 302
    client.post("/logout")
    password(client, user)
    page = client.get("/login/second-factor")
    for answer in (
        first,
        device.get(options_on(page), "https://phishing.example"),
        SoftAuthenticator().get(options_on(page), ORIGIN),
    ):
        response = client.post("/login/second-factor/passkey", data={"credential": answer})
        assert response.status_code == 400 and "did not sign you in" in response.get_data(as_text=True)
        page = client.get("/login/second-factor")
    assert not signed_in_now(client)


def test_a_passkey_needs_a_name_and_a_real_answer(app, client, make_user, login):
    login(make_user("school"))
    device = SoftAuthenticator()
    page = client.get("/account/passkeys/new")
    unnamed = client.post(
        "/account/passkeys/new", data={"name": " ", "credential": device.create(options_on(page), ORIGIN)}
    )
    assert unnamed.status_code == 400 and "Enter a name" in unnamed.get_data(as_text=True)
    junk = client.post("/account/passkeys/new", data={"name": "Phone", "credential": "{not json"})
    assert junk.status_code == 400 and "could not be checked" in junk.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Passkey.id))) == 0


def test_removing_a_passkey_is_the_owners_alone(app, client, make_user, login):
    owner = make_user("school")
    login(owner)
    register_passkey(client, SoftAuthenticator())
    passkey_id = db.session.scalar(db.select(Passkey.id))
    stranger = app.test_client()
    stranger.post("/login", data={"email": make_user("school").email, "password": PASSWORD})
    assert stranger.post(f"/account/passkeys/{passkey_id}/remove").status_code == 404
    assert client.post(f"/account/passkeys/{passkey_id}/remove").headers["Location"] == "/account"
    assert db.session.scalar(db.select(db.func.count(Passkey.id))) == 0


def test_pending_state_holds_no_secret(app, client, make_user):
    """The session waiting for a second factor names the user, nothing that signs them in."""
    user = make_user("school")
    with_app(user)
    password(client, user)
    with client.session_transaction() as session:
        state = session[pending.KEY]
        assert "_user_id" not in session
    assert set(state) == {"user", "token", "next", "stage", "since", "failures"}


def test_reset_second_factor_command(app, runner, make_user):
    """The command for a person who lost everything: factors and codes gone, sessions ended."""
    user = make_user("school")
    with_app(user)
    recovery.replace_codes(user)
    token = user.session_token
    db.session.commit()
    result = runner.invoke(args=["auth", "reset-second-factor", user.email.upper()])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert not has_second_factor(user) and recovery.codes_left(user) == 0 and user.session_token != token
    assert runner.invoke(args=["auth", "reset-second-factor", "nobody@example.org"]).exit_code != 0


def test_a_misspelt_required_role_stops_the_app_starting(make_app):
    with pytest.raises(RuntimeError, match="schools"):
        make_app(create_tables=False, MFA_REQUIRED_ROLES="schools,provider")


def test_production_requires_every_role_by_default():
    """Every role sees pupil references (or, as administrator, makes accounts that do)."""
    import os

    from qa_app import create_app

    if "MFA_REQUIRED_ROLES" in os.environ:
        pytest.skip("MFA_REQUIRED_ROLES is set in this environment")
    from qa_app.auth.mfa.services import required_roles
    from qa_app.auth.models import ROLES

    production = create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 32})
    assert required_roles(production.config) == set(ROLES)
    assert required_roles(create_app({"ENV_NAME": "development"}).config) == set()
