"""Sign-in, sign-out, throttling, sessions, cookies, headers and CSRF."""

import re

import pytest

from qa_app import create_app
from qa_app.auth.models import User
from qa_app.extensions import db
from tests.factories import PASSWORD

WRONG = b"Enter a correct email address and password"


def test_each_role_lands_on_its_own_first_page(client, make_user):
    """Officers and the Head of Access land on the visit programme, school staff on their
    school's home page, administrators on the register."""
    for role, page in (
        ("officer", "/programme"),
        ("head_of_access", "/programme"),
        ("school", "/home"),
        ("admin", "/providers"),
    ):
        response = client.post("/login", data={"email": make_user(role).email, "password": PASSWORD})
        assert response.headers["Location"] == page
        client.post("/logout")


def test_sign_in_and_out(client, make_user, login):
    """A user signs in, sees the register, signs out and is asked to sign in again."""
    login(make_user("officer"))
    assert client.get("/providers").status_code == 200
    response = client.post("/logout", follow_redirects=True)
    assert b"You have signed out" in response.data
    assert client.get("/providers").status_code == 302


def test_wrong_password_and_unknown_account_look_the_same(client, make_user):
    """A wrong password says so without telling whether the account exists."""
    user = make_user("officer")
    wrong = client.post("/login", data={"email": user.email, "password": "not-the-password"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "x" * 12})
    assert wrong.status_code == unknown.status_code == 400
    assert WRONG in wrong.data and WRONG in unknown.data
    assert b"nobody@example.org" in unknown.data  # what was typed is kept


def test_disabled_user_cannot_sign_in(client, make_user):
    """A disabled account gets the same answer as a wrong password."""
    user = make_user("officer", active=False)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400 and WRONG in response.data


def test_email_is_case_insensitive(client, make_user):
    """Signing in ignores the case of the email address."""
    user = make_user("officer", email="Mixed.Case@Example.org")
    response = client.post("/login", data={"email": "MIXED.case@example.ORG", "password": PASSWORD})
    assert response.status_code == 302 and user.email == "mixed.case@example.org"


def test_passwords_are_hashed_with_argon2id(app, make_user):
    """The stored hash is Argon2id, never the password."""
    user = make_user("officer")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


@pytest.fixture
def throttled_client(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        from qa_app.auth.services import create_user

        create_user("victim@example.org", "Victim", "officer", PASSWORD)
        db.session.commit()
    return app.test_client()


def test_sixth_failure_in_a_minute_is_429(throttled_client):
    """Five failed sign-ins from one address are answered; the sixth gets 429 and a clear page."""
    for _ in range(5):
        response = throttled_client.post(
            "/login", data={"email": "victim@example.org", "password": "wrong-one"}
        )
        assert response.status_code == 400
    response = throttled_client.post("/login", data={"email": "victim@example.org", "password": "wrong-one"})
    assert response.status_code == 429
    assert b"Too many attempts" in response.data


def sign_in_from(client, address, password, email="victim@example.org"):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_an_account_under_attack_slows_the_addresses_that_fail(make_app):
    """Past the account's limit of failures from all addresses, an address that fails on it
    gets no second try; one that has not failed still signs in."""
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_ACCOUNT_RATE_LIMIT="8/hour")
    with app.app_context():
        from qa_app.auth.services import create_user

        create_user("victim@example.org", "Victim", "officer", PASSWORD)
        db.session.commit()
    client = app.test_client()
    for n in range(8):
        assert sign_in_from(client, f"10.0.0.{n}", "wrong").status_code == 400
    assert sign_in_from(client, "10.0.0.50", "wrong").status_code == 400
    assert sign_in_from(client, "10.0.0.50", PASSWORD).status_code == 429
    assert sign_in_from(client, "10.0.0.3", "wrong").status_code == 429
    assert sign_in_from(client, "10.0.0.99", PASSWORD).status_code == 302


def test_ten_addresses_guessing_cannot_lock_out_the_real_user(throttled_client):
    """Ten addresses × five wrong guesses in a minute, then the owner from a new address with
    the right password: signed in."""
    for n in range(10):
        for _ in range(5):
            assert sign_in_from(throttled_client, f"203.0.113.{n}", "wrong").status_code == 400
    assert sign_in_from(throttled_client, "203.0.113.0", "wrong").status_code == 429
    assert sign_in_from(throttled_client, "198.51.100.7", PASSWORD).status_code == 302


def test_correct_sign_ins_never_count(make_app):
    """The 101st correct sign-in in an hour from one office address works, and one person's
    51st (the account's and the address's limits are about failures)."""
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        from qa_app.auth.services import create_user

        for n in range(2):
            create_user(f"staff{n}@example.org", "Staff", "officer", PASSWORD)
        db.session.commit()
    client = app.test_client()
    for n in range(101):
        response = sign_in_from(client, "192.0.2.10", PASSWORD, email=f"staff{n % 2}@example.org")
        assert response.status_code == 302, n
        client.post("/logout")


def test_one_address_cannot_lock_an_account_for_others(throttled_client):
    """However often one address fails, a correct sign-in from another address works."""
    for _ in range(40):
        throttled_client.post(
            "/login",
            data={"email": "victim@example.org", "password": "wrong"},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )
    response = throttled_client.post(
        "/login",
        data={"email": "victim@example.org", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert response.status_code == 302


def test_behind_a_trusted_proxy_each_client_is_counted_apart(make_app):
    """With TRUSTED_PROXIES=1 the address is the proxy's X-Forwarded-For, so one client's
    failures do not stop another client of the same proxy."""
    app = make_app(RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1)
    with app.app_context():
        from qa_app.auth.services import create_user

        create_user("head@example.org", "Head", "head_of_access", PASSWORD)
        db.session.commit()
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(6):
        client.post(
            "/login",
            data={"email": "head@example.org", "password": "wrong"},
            headers={"X-Forwarded-For": "203.0.113.9"},
            environ_base=proxy,
        )
    response = client.post(
        "/login",
        data={"email": "head@example.org", "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.7"},
        environ_base=proxy,
    )
    assert response.status_code == 302


def test_without_trusted_proxies_forwarded_for_is_ignored(make_app):
    """A client cannot choose its own address unless a proxy is trusted."""
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        from qa_app.auth.services import create_user

        create_user("head@example.org", "Head", "head_of_access", PASSWORD)
        db.session.commit()
    client = app.test_client()
    for n in range(6):
        response = client.post(
            "/login",
            data={"email": "head@example.org", "password": "wrong"},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        )
    assert response.status_code == 429


def test_a_failure_is_counted_before_the_password_is_checked(throttled_client, monkeypatch):
    """Of 30 parallel wrong passwords from one address, only the first five are checked."""
    import threading
    import time

    from qa_app.auth import services

    checked = []
    real_check = services.check_password

    def slow_check(password_hash, password):
        checked.append(password)
        time.sleep(0.2)  # all 30 are in flight together, as a parallel attack is
        return real_check(password_hash, password)

    monkeypatch.setattr(services, "check_password", slow_check)
    app = throttled_client.application
    statuses = []

    def attempt():
        response = app.test_client().post("/login", data={"email": "victim@example.org", "password": "wrong"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) <= 5
    assert statuses.count(429) >= 25


def test_successful_sign_ins_are_not_throttled(throttled_client):
    """Only failures count towards the limit."""
    for _ in range(8):
        response = throttled_client.post("/login", data={"email": "victim@example.org", "password": PASSWORD})
        assert response.status_code == 302
        throttled_client.post("/logout")


@pytest.mark.parametrize(
    "next_url, expected",
    [
        ("/providers?borough=Riverside", "/providers?borough=Riverside"),
        ("//evil.example/steal", "/programme"),
        ("https://evil.example/", "/programme"),
        ("/\\evil.example", "/programme"),
        ("javascript:alert(1)", "/programme"),
    ],
)
def test_only_local_next_redirects(client, make_user, next_url, expected):
    """After sign-in, `next` is followed only when it is a path on this site."""
    user = make_user("officer")
    response = client.post(
        "/login", query_string={"next": next_url}, data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == expected


def test_copied_cookie_stops_working_after_sign_out(app, client, make_user, login):
    """Sign-out ends the session everywhere: a copy of the cookie is refused afterwards."""
    login(make_user("officer"))
    stolen = client.get_cookie("qa_session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("qa_session", stolen)
    assert thief.get("/providers").status_code == 302


def test_disabling_a_user_ends_their_sessions(app, client, make_user, login):
    """An administrator disabling a user makes their open session stop working."""
    user = make_user("officer")
    login(user)
    assert client.get("/providers").status_code == 200
    from qa_app.auth.services import apply_user_changes

    user = db.session.get(User, user.id)
    apply_user_changes(user, email=user.email, name=user.name, role=user.role, school_name=None, active=False)
    db.session.commit()
    assert client.get("/providers").status_code == 302


def test_security_headers_on_every_response(client):
    """CSP without unsafe-inline scripts, nosniff, frame-ancestors and the referrer policy."""
    for path in ("/login", "/no-such-page", "/register"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_inline_script_carries_the_request_nonce(client):
    """The one inline script runs only because its nonce matches this response's CSP."""
    response = client.get("/login")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">'.encode() in response.data
    assert (
        client.get("/login").headers["Content-Security-Policy"] != response.headers["Content-Security-Policy"]
    )


def test_session_cookie_flags(client, make_user, login):
    """The session cookie is HttpOnly and SameSite=Lax."""
    response = login(make_user("officer"))
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("qa_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure_and_need_a_secret(monkeypatch):
    """Outside development cookies are Secure and __Host- prefixed, and SECRET_KEY is required."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": None})
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 32})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")


def test_csrf_token_required(make_app, make_user):
    """With CSRF on, a form post without the token is refused and changes nothing."""
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        from qa_app.auth.services import create_user

        create_user("csrf@example.org", "C", "officer", PASSWORD)
        db.session.commit()
    response = client.post("/login", data={"email": "csrf@example.org", "password": PASSWORD})
    assert response.status_code == 400 and b"The form had expired" in response.data
    page = client.get("/login").data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": "csrf@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert client.post("/logout").status_code == 400
    assert client.get("/providers").status_code == 200  # still signed in


def test_body_over_the_limit_is_413(make_app):
    """A request body over MAX_CONTENT_LENGTH gets 413 with a clear page."""
    client = make_app(MAX_CONTENT_LENGTH=1024).test_client()
    response = client.post("/login", data={"email": "a@example.org", "password": "x" * 5000})
    assert response.status_code == 413 and b"too large" in response.data


def test_create_user_command(runner):
    """`flask create-user EMAIL --role ROLE` adds a user who can sign in."""
    result = runner.invoke(
        args=["create-user", "new@example.org", "--role", "head_of_access", "--password", "a-long-password-9"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "new@example.org"))
    assert user.role == "head_of_access" and user.password_hash.startswith("$argon2id$")
    bad = runner.invoke(
        args=["create-user", "x@example.org", "--role", "wizard", "--password", "a-long-password-9"]
    )
    assert bad.exit_code != 0
    short = runner.invoke(args=["create-user", "y@example.org", "--role", "officer", "--password", "short"])
    assert short.exit_code != 0 and "10 characters" in short.output


def _count_argon2(monkeypatch):
    """Count the hash and verify calls argon2 is asked to make."""
    from argon2 import PasswordHasher

    calls = []
    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify

    def counting_hash(self, *args, **kwargs):
        calls.append("hash")
        return real_hash(self, *args, **kwargs)

    def counting_verify(self, *args, **kwargs):
        calls.append("verify")
        return real_verify(self, *args, **kwargs)

    monkeypatch.setattr(PasswordHasher, "hash", counting_hash)
    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    return calls


def test_unknown_email_does_the_same_argon2_work_as_a_wrong_password(client, make_user, monkeypatch):
    """Both do exactly one verify and no hash, so the time taken does not tell an account exists."""
    user = make_user("officer")
    calls = _count_argon2(monkeypatch)
    client.post("/login", data={"email": user.email, "password": "wrong-password"})
    assert calls == ["verify"]
    calls.clear()
    client.post("/login", data={"email": "nobody@example.org", "password": "wrong-password"})
    assert calls == ["verify"]
