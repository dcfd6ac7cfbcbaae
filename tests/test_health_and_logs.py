"""/healthz asks the database and, when the app uses one, Redis; every request writes one JSON
log line with its id (also sent back), the user's id (never an email) and the time taken."""

import json
import logging
import socket

import pytest

from qa_app.request_log import HEADER, logger

REDIS_URL = "redis://127.0.0.1:6379/0"


def _closed_port():
    """A port on the loopback address that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthz_answers_for_the_database(client):
    """With no Redis configured, the database alone decides."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_unavailable_when_the_database_is_down(make_app, database_url, tmp_path):
    """A database that does not answer: 503, naming it."""
    down = (
        f"sqlite:///{tmp_path / 'no-such-folder' / 'qa.sqlite'}"
        if database_url.startswith("sqlite")
        else f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/qa_app"
    )
    app = make_app(create_tables=False, SQLALCHEMY_DATABASE_URI=down)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "down"}


def _redis_is_running():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_is_running(), reason="no Redis on 127.0.0.1:6379")
@pytest.mark.parametrize("setting", ["REDIS_URL", "RATELIMIT_STORAGE_URI"])
def test_healthz_asks_redis_when_configured(app, client, setting):
    """The app's Redis (its own setting, or the sign-in throttle's storage) is asked too."""
    app.config[setting] = REDIS_URL
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_is_unavailable_when_redis_is_down(app, client):
    """A configured Redis that does not answer: 503, naming it, the database still ok."""
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{_closed_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok", "redis": "down"}


class Lines(logging.Handler):
    """The request log's lines, as written."""

    def __init__(self):
        super().__init__()
        self.lines = []
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines():
    handler = Lines()
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def test_each_request_is_one_json_line_with_its_id_user_and_time(client, signed_in, log_lines):
    """Signed in: the line names the user by id, never by email, and the id is sent back."""
    user = signed_in("officer")
    log_lines.clear()
    response = client.get("/programme")
    assert response.status_code == 200
    assert len(log_lines) == 1 and "\n" not in log_lines[0]
    line = json.loads(log_lines[0])
    assert line["request_id"] == response.headers[HEADER] and len(line["request_id"]) == 32
    assert (line["method"], line["path"], line["status"], line["user_id"]) == (
        "GET",
        "/programme",
        200,
        user.id,
    )
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["time"].endswith("Z")
    assert user.email not in log_lines[0] and "@" not in log_lines[0]


def test_a_signed_out_request_has_no_user_and_each_request_its_own_id(client, log_lines):
    """Signed out, the user is null; two requests, two ids."""
    first, second = client.get("/register"), client.get("/healthz")
    lines = [json.loads(text) for text in log_lines]
    assert [line["user_id"] for line in lines] == [None, None]
    assert [line["request_id"] for line in lines] == [first.headers[HEADER], second.headers[HEADER]]
    assert first.headers[HEADER] != second.headers[HEADER]


def test_a_proxys_plain_request_id_is_kept_and_anything_else_replaced(client, log_lines):
    """An id set in front of the app follows the request through; a strange one does not."""
    kept = client.get("/ping", headers={HEADER: "lb-1234.abc"})
    assert kept.headers[HEADER] == "lb-1234.abc"
    replaced = client.get("/ping", headers={HEADER: "<script>" + "x" * 100})
    assert replaced.headers[HEADER] != "<script>" + "x" * 100 and len(replaced.headers[HEADER]) == 32
    assert [json.loads(text)["request_id"] for text in log_lines] == [
        "lb-1234.abc",
        replaced.headers[HEADER],
    ]


def test_an_error_answer_is_logged_too(client, signed_in, log_lines):
    """A refused or missing page still writes its line, with its status."""
    signed_in("school")
    log_lines.clear()
    client.get("/dashboard")
    client.get("/no-such-page")
    assert [json.loads(text)["status"] for text in log_lines] == [403, 404]
