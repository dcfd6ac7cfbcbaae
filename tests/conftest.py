"""Fixtures: an app per test on a fresh database (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set), a client, a CLI runner, factories and a sign-in helper."""

import os
import shutil
import socket

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event, text

from qa_app import create_app
from qa_app.auth.models import User
from qa_app.extensions import db
from qa_app.framework.services import load_default_framework
from qa_app.registration.services import load_default_rules

# The factories (make_user, make_provider, make_visit, ...) are fixtures for every test.
pytest_plugins = ["tests.factories", "tests.identity_provider"]
pytest.register_assert_rewrite("tests.factories")
from tests.factories import PASSWORD  # noqa: E402

DATABASES = ["sqlite"]
if os.environ.get("TEST_DATABASE_URL"):
    DATABASES.append("postgresql")


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    """Each database-backed test runs once per configured database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    return _worker_database(os.environ["TEST_DATABASE_URL"])


def _worker_database(url):
    """The PostgreSQL database of this test process: TEST_DATABASE_URL's own, or, when the
    suite runs in several processes (pytest -n), one per process beside it, made on first use."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _reset_postgres(url):
    """Drop every table in the test database's public schema."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    _POSTGRES_SCHEMA_MADE.discard(url)


def _load_defaults():
    """What every new database starts with: the frameworks and registration rules in force."""
    load_default_framework()
    load_default_framework("school")
    load_default_rules()
    db.session.commit()


# Making the tables and loading the defaults costs more than most tests, so it is done once per
# test process and database: an SQLite file kept as a template and copied for each test, and
# the PostgreSQL schema kept, its tables emptied for each test. A test that builds its own schema
# (make_app(create_tables=False), migrations) resets PostgreSQL's, which is then made again.
_SQLITE_TEMPLATE = {}
_POSTGRES_SCHEMA_MADE = set()


def _sqlite_template(tmp_path_factory):
    """The path of this process's SQLite file with the tables and defaults, made on first use."""
    if "path" not in _SQLITE_TEMPLATE:
        path = tmp_path_factory.mktemp("template") / "template.sqlite"
        app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
        with app.app_context():
            db.create_all()
            _load_defaults()
            db.session.remove()
            db.engine.dispose()
        _SQLITE_TEMPLATE["path"] = path
    return _SQLITE_TEMPLATE["path"]


def _fresh_postgres_tables(app, url):
    """Empty PostgreSQL tables with the defaults loaded, as create_all and the loaders leave a
    new database: the schema made once, its rows removed and sequences restarted after."""
    with app.app_context():
        if url in _POSTGRES_SCHEMA_MADE:
            tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                # The read log refuses TRUNCATE with a trigger, as it should in service; the
                # tests' own reset passes over triggers (the suite connects as a superuser).
                connection.execute(text("SET LOCAL session_replication_role = replica"))
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            _reset_postgres(url)
            db.create_all()
            _POSTGRES_SCHEMA_MADE.add(url)
        _load_defaults()


@pytest.fixture
def make_app(database_url, tmp_path, tmp_path_factory):
    """Build an app on a fresh, empty database with extra config; tables are created and the
    default frameworks and rules loaded.

    Photos go to the test's own folder, never to instance/photos."""
    apps = []
    postgres = database_url.startswith("postgresql")

    def _make(create_tables=True, **config):
        if create_tables and not postgres:
            shutil.copyfile(_sqlite_template(tmp_path_factory), database_url.removeprefix("sqlite:///"))
        elif postgres and not create_tables:
            _reset_postgres(database_url)
        app = create_app(
            {
                "ENV_NAME": "testing",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "PHOTO_STORAGE_PATH": str(tmp_path / "photos"),
                **config,
            }
        )
        app.test_client_class = FreshContextClient
        if create_tables and postgres:
            _fresh_postgres_tables(app, database_url)
        apps.append(app)
        return app

    yield _make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


class FreshContextClient(FlaskClient):
    """Runs each request in its own app context, as a real server does.

    Tests keep an app context pushed for db.session; without this, requests would
    share it (and its `g` and database session) with the test and with each other.
    """

    def open(self, *args, **kwargs):
        outer = has_app_context()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if outer:
            db.session.expire_all()  # the test's own copies may now be stale
        return response


@pytest.fixture
def app(make_app):
    """The app with an app context pushed, so tests can use db.session directly."""
    app = make_app()
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login(client):
    """login(user) signs the test client in through the real sign-in form."""

    def _login(user, password=PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.data[:500]
        return response

    return _login


@pytest.fixture
def signed_in(make_user, login):
    """signed_in(role, **fields) -> a new user of that role, with the test client signed in
    as them through the real sign-in form; signed_in(user) signs in an existing user."""

    def _sign_in(role_or_user="officer", **fields):
        user = role_or_user if isinstance(role_or_user, User) else make_user(role_or_user, **fields)
        login(user)
        return user

    return _sign_in


@pytest.fixture
def count_queries(app):
    """with count_queries() as queries: ... -> len(queries) SQL statements run."""
    from contextlib import contextmanager

    @contextmanager
    def _count():
        statements = []

        def before(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return _count


class Mailbox(list):
    """The messages a real SMTP server on 127.0.0.1 received; stop() and start() take the
    server down and bring it back on the same port, as a mail outage would; refuse(address,
    answer, times) makes it refuse a recipient, as a mail server does a mailbox that is
    unknown ("550 ...", for good) or full for now ("450 ...")."""

    def __init__(self, port):
        super().__init__()
        self.port = port
        self.controller = None
        self.refusals = {}  # address -> [answer, times left (None: always)]

    def refuse(self, address, answer="550 5.1.1 No such user here", times=None):
        """Answer RCPT TO:<address> with `answer`, `times` times (every time when None)."""
        self.refusals[address.lower()] = [answer, times]

    def refusal(self, address):
        """The answer to give this recipient now, or None to accept it."""
        entry = self.refusals.get(address.lower())
        if entry is None or entry[1] == 0:
            return None
        if entry[1] is not None:
            entry[1] -= 1
        return entry[0]

    def start(self):
        """Bring the SMTP server up."""
        from email import message_from_bytes, policy

        from aiosmtpd.controller import Controller

        received = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                answer = received.refusal(address)
                if answer:
                    return answer
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                received.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        """Take the SMTP server down: connections to its port are refused."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def mailbox(app):
    """A real SMTP server on 127.0.0.1 for the app to send to; yields the list of messages
    (a Mailbox, with stop() and start())."""
    with socket.socket() as probe:  # a free port on the loopback address
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox(port)
    box.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    yield box
    box.stop()
