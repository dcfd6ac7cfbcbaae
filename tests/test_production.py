"""The README's production set-up, run as written, with PostgreSQL and the real Redis.

The commands of "Running in production" are read from the README (after the install steps,
which `make test` has done): its `export` lines give the environment, with a value of this
test's own wherever the README says `...` (a random SECRET_KEY, a PostgreSQL database of this
test's own); its flask commands migrate, load the framework and create the administrator; its
gunicorn command serves the app with several workers on a free port. The test then acts as
the TLS proxy the README puts in front (X-Forwarded-For and X-Forwarded-Proto), signs in and
loads pages over HTTP, and checks that sign-in throttling is shared by the workers (Redis).

Redis keys carry a prefix of this run's own (RATELIMIT_KEY_PREFIX); the database is never
flushed. Without PostgreSQL (TEST_DATABASE_URL) or Redis the test is skipped on a developer's
machine and fails in CI (CI=true).
"""

import os
import re
import secrets
import shlex
import signal
import subprocess
import time
from pathlib import Path

import pyotp
import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.servers import free_port, missing, redis_is_up

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "production-test-password-1"
STARTUP_SECONDS = 120  # a loaded machine starts four workers slowly


def readme_commands():
    """The shell lines of the README's "Running in production" block."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Running in production", 1)[1]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.strip().splitlines()]


def fresh_database():
    """A PostgreSQL database of this test's own, beside TEST_DATABASE_URL's, made empty."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        missing("TEST_DATABASE_URL is not set: no PostgreSQL for the production set-up")
    base = make_url(url)
    name = f"{base.database}_production_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    try:
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    except Exception as problem:  # any connection failure means no PostgreSQL here
        missing(f"PostgreSQL is not reachable: {problem}")
    return base.set(database=name).render_as_string(hide_password=False)


def environment(commands, database_url):
    """The README's exports, with this test's values where it says `...`."""
    ours = {"SECRET_KEY": secrets.token_urlsafe(32), "DATABASE_URL": database_url}
    env = {key: value for key, value in os.environ.items() if not key.startswith(("QA_APP", "RATELIMIT"))}
    for line in commands:
        if line.startswith("export "):
            for assignment in shlex.split(line)[1:]:
                name, value = assignment.split("=", 1)
                env[name] = ours.get(name, "test-value") if "..." in value else value
    env["RATELIMIT_KEY_PREFIX"] = f"qa-test-{secrets.token_hex(8)}"
    assert env["QA_APP_ENV"] == "production" and env["RATELIMIT_STORAGE_URI"].startswith("redis://")
    return env


class Browser:
    """A client behind the README's TLS proxy: it sets the client's address and https, and
    keeps the cookies itself (they are Secure, which plain HTTP to gunicorn would not send)."""

    def __init__(self, base, address):
        self.base, self.address, self.cookies = base, address, {}

    def request(self, method, path, **kwargs):
        headers = {"X-Forwarded-For": self.address, "X-Forwarded-Proto": "https"}
        if method != "GET":  # over https, Flask-WTF checks that a form comes from this site
            headers["Referer"] = "https://" + self.base.removeprefix("http://") + path
        response = requests.request(
            method,
            self.base + path,
            headers=headers,
            cookies=self.cookies,
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def sign_in(self, email, password):
        page = self.request("GET", "/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
        assert token, page.text[:500]
        data = {"csrf_token": token.group(1), "email": email, "password": password}
        return self.request("POST", "/login", data=data)

    def set_up_authenticator_app(self):
        """The first sign-in of a role that needs a second factor (every role in production):
        set up an authenticator app, as the README's "A second factor" says, which signs in."""
        page = self.request("GET", "/account/authenticator-app")
        key = re.search(r"data-totp-key>([^<]+)<", page.text).group(1).replace(" ", "")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
        code = pyotp.TOTP(key).now()
        return self.request("POST", "/account/authenticator-app", data={"csrf_token": token, "code": code})


@pytest.fixture
def service(tmp_path_factory):
    """The README's commands run as written; yields (base URL, the administrator's email)."""
    if not redis_is_up():
        missing("Redis is not running on 127.0.0.1:6379")
    commands = readme_commands()
    env = environment(commands, fresh_database())
    flask = [line for line in commands if line.startswith(".venv/bin/flask")]
    [gunicorn] = [line for line in commands if line.startswith(".venv/bin/gunicorn")]
    assert "--timeout" in gunicorn and "-w 4" in gunicorn
    for line in flask:
        done = subprocess.run(
            line,
            shell=True,
            cwd=ROOT,
            env=env,
            input=f"{PASSWORD}\n{PASSWORD}\n",
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
    [admin] = [shlex.split(line)[4] for line in flask if " create-user " in line]
    port = free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with open(log, "w") as output:
        server = subprocess.Popen(
            gunicorn.replace("127.0.0.1:8000", f"127.0.0.1:{port}"),
            shell=True,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, server, log)
        yield base, admin
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def wait_until_up(base, server, log):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            if requests.get(base + "/healthz", timeout=30).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still starting its workers
            pass
        time.sleep(0.5)
    pytest.fail(f"gunicorn did not start:\n{log.read_text()}")


def test_the_readme_production_set_up_serves_the_app(service):
    """Signed in as the administrator the README creates, the pages load, with the Secure
    __Host- cookies; and the workers share the sign-in counts (one set-up for both, as it
    takes a while on a busy machine)."""
    base, admin = service
    browser = Browser(base, "198.51.100.20")
    response = browser.sign_in(admin, PASSWORD)
    assert response.status_code == 302, re.findall(r"<p[^>]*>[^<]+</p>", response.text)
    assert response.headers["Location"].endswith("/login/set-up")
    assert browser.request("GET", "/api/session").status_code == 401  # not signed in yet
    response = browser.set_up_authenticator_app()
    assert response.status_code == 200 and response.text.count("<code>") == 10  # the recovery codes
    assert "__Host-qa_session" in browser.cookies
    assert "Secure" in response.headers["Set-Cookie"]
    for path in ("/", "/providers", "/admin/users", "/register", "/api/session"):
        page = browser.request("GET", path)
        if page.status_code == 302:
            page = browser.request("GET", page.headers["Location"].removeprefix("https://localhost"))
        assert page.status_code == 200, (path, page.status_code, page.text[:300])
    assert browser.request("GET", "/api/session").json()["user"]["email"] == admin
    assert "Strict-Transport-Security" in browser.request("GET", "/providers").headers
    throttling_is_shared_by_every_worker(base, admin)


def throttling_is_shared_by_every_worker(base, admin):
    """Four workers, one count in Redis: of 20 wrong guesses from one address, five are
    answered and the rest refused; after ten addresses × five wrong guesses, the owner signs
    in from a new address."""
    statuses = [
        Browser(base, "203.0.113.200").sign_in(admin, "wrong-password").status_code for _ in range(20)
    ]
    assert statuses.count(400) == 5 and statuses.count(429) == 15, statuses
    for n in range(10):
        guesser = Browser(base, f"203.0.113.{n}")
        assert guesser.sign_in(admin, "wrong").status_code == 400
        for _ in range(4):
            assert guesser.sign_in(admin, "wrong").status_code in (400, 429)
    assert Browser(base, "198.51.100.77").sign_in(admin, PASSWORD).status_code == 302
