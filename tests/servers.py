"""Helpers for the tests that run the app as real processes on PostgreSQL (and Redis): a
database of the test's own, free ports, a slow SMTP server, and flask commands run with an
environment of their own. A missing service skips the test with its reason (fails in CI)."""

import asyncio
import hashlib
import os
import socket
import subprocess
import threading
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from qa_app import create_app
from qa_app.extensions import db

ROOT = Path(__file__).resolve().parent.parent
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "qa_app"]
REDIS = ("127.0.0.1", 6379)


def missing(message):
    """Fail in CI, skip elsewhere: a missing service must never pass unnoticed."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def postgres_url():
    """TEST_DATABASE_URL when it is PostgreSQL; else the test is skipped, saying why."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        missing("TEST_DATABASE_URL is not a PostgreSQL database (postgresql+psycopg://...)")
    return url


def fresh_database(suffix):
    """An empty PostgreSQL database of this test's own, beside TEST_DATABASE_URL's: its URL."""
    base = make_url(postgres_url())
    name = f"{base.database}_{suffix}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    drop_database(base.set(database=name).render_as_string(hide_password=False))
    try:
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    except Exception as problem:  # any connection failure means no PostgreSQL here
        missing(f"PostgreSQL is not reachable: {problem}")
    return base.set(database=name).render_as_string(hide_password=False)


def drop_database(url):
    """Drop the PostgreSQL database of this URL, if there is one (connections and all)."""
    url = make_url(url)
    try:
        engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        engine.dispose()
    except Exception as problem:
        missing(f"PostgreSQL is not reachable: {problem}")


def redis_is_up():
    """True when Redis answers PING on 127.0.0.1:6379."""
    try:
        with socket.create_connection(REDIS, timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def free_port():
    """A TCP port free on the loopback address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_environment(database_url, **extra):
    """The environment of a flask command or server on this database (development settings
    unless `extra` says QA_APP_ENV), with nothing of the caller's QA_APP_* or mail settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("QA_APP", "RATELIMIT", "MAIL_", "DATABASE_URL", "REDIS_URL", "OIDC_"))
    }
    env.update(DATABASE_URL=database_url, **{key: str(value) for key, value in extra.items()})
    return env


def flask(args, env, **kwargs):
    """Run a flask command of the app to its end; fails the test when it does not exit 0."""
    done = subprocess.run([*FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"flask {' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done


def wait_for(check, what, seconds=120, step=0.2):
    """Poll `check()` until it is true (returns its value); fails naming `what` when it never is."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    pytest.fail(f"Timed out waiting for {what}")


class SlowMailbox(list):
    """A real SMTP server (aiosmtpd) that takes `delay` seconds over each message, so that
    workers sending at once overlap; the messages received are the list's items."""

    def __init__(self, delay=0.05):
        super().__init__()
        self.delay, self.lock, self.port, self.controller = delay, threading.Lock(), free_port(), None

    def __enter__(self):
        from aiosmtpd.controller import Controller

        box = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                await asyncio.sleep(box.delay)
                with box.lock:
                    box.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def settings(self):
        """The app's settings to send here."""
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USE_TLS": "false"}


def queue(url, count):
    """Queue `count` emails, one address each, as the app does (one transaction)."""
    from qa_app.notifications.outbox import queue_emails

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        queue_emails([([f"person{n}@example.org"], f"Email {n}", "Body") for n in range(count)])
        db.session.commit()
        db.engine.dispose()


def connected_workers(engine):
    """How many of the workers have connected to the database (by their application_name)."""
    with engine.connect() as connection:
        return connection.scalar(
            text(
                "SELECT count(DISTINCT application_name) FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name LIKE 'outbox-worker-%'"
            )
        )


def unsent(engine):
    """How many emails of the outbox are not sent yet."""
    with engine.connect() as connection:
        return connection.scalar(text("SELECT count(*) FROM outbox_email WHERE sent_at IS NULL"))


def start_worker(env, mailbox, name, tmp_path):
    """`flask send-notifications --loop --interval 1` as its own process, in the environment
    `env` sending to `mailbox`, named `name` in pg_stat_activity; its output in a file."""
    env = {
        **env,
        "PGAPPNAME": name,
        "MAIL_USERNAME": "",
        **{k: str(v) for k, v in mailbox.settings().items()},
    }
    log = tmp_path / f"{name}.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [*FLASK, "send-notifications", "--loop", "--interval", "1"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return process, log


def kill_left_running(workers):
    """Kill any of these (process, log) workers still running, after a test that failed early."""
    for process, _ in workers:
        if process.poll() is None:
            process.kill()
            process.wait()


def stopped(process, log):
    """Wait for the worker to exit; (exit code, its output)."""
    code = process.wait(timeout=60)
    return code, log.read_text()


def seed_visit(url, status="draft", photo=None):
    """An officer (password factories.PASSWORD) with a visit of a new provider (with this
    photo, JPEG bytes, if given), and a Head of Access, made in this database through the
    app's own services: {"officer", "head", "visit"}. `status` is "draft" or "signed_off"."""
    from datetime import date, timedelta

    from qa_app.providers.models import Provider
    from qa_app.providers.services import save_provider
    from qa_app.visits.services import sign_off
    from tests.factories import new_user, provider_data, ratings_for, save, submit, visit_body

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        officer, head = new_user("officer"), new_user("head_of_access")
        provider = save_provider(Provider(), provider_data())
        db.session.flush()
        body = visit_body(provider, date.today() - timedelta(days=3), ratings_for("green"))
        visit, _ = save(officer, str(uuid.uuid4()), body)
        if photo:
            from qa_app.photos.services import save_photo

            sha256 = hashlib.sha256(photo).hexdigest()
            save_photo(officer, visit, str(uuid.uuid4()), photo, "image/jpeg", sha256, "SG1", "Fire door log")
        if status != "draft":
            visit = submit(officer, visit, body)
            sign_off(head, visit)
        seeded = {"officer": officer.email, "head": head.email, "visit": visit.uuid}
        db.session.commit()
        db.engine.dispose()
    return seeded
