"""One JSON line per request on the log: its id (also sent back as X-Request-ID), the method,
path and status, the signed-in user's id (never an email: the log is not personal data), and
the time taken in milliseconds."""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import g, request
from sqlalchemy import inspect

logger = logging.getLogger("qa_app.requests")

HEADER = "X-Request-ID"
# An id a proxy in front of the app sets is kept when it is plain; anything else is replaced.
PLAIN_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class _Stderr(logging.StreamHandler):
    """Writes to the stderr of the moment (gunicorn and the tests replace it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def init_app(app):
    """Give each request an id and write its line when it is answered."""
    if app.config.get("REQUEST_LOG", True) and not logger.handlers:
        handler = _Stderr()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    app.before_request(_start)
    app.after_request(_finish)


def _start():
    offered = request.headers.get(HEADER, "")
    g.request_id = offered if PLAIN_ID.fullmatch(offered) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response):
    """Send the id back and log the request's line."""
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers[HEADER] = request_id
    started = g.get("request_started")
    # The user as this request already loaded them: a request that never asked who is signed
    # in (a static file, /ping) costs no query for its log line.
    user = g.get("_login_user")
    line = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "request_id": request_id,
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "user_id": _user_id(user),
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
    }
    logger.info(json.dumps(line, separators=(",", ":")))
    return response


def _user_id(user):
    """The signed-in user's id as the session knows it: read from the row's identity, so
    that a user expired by the request's own commit (a page that logs its reads) is not
    read again from the database for the log's sake."""
    if user is None or not user.is_authenticated:
        return None
    state = inspect(user, raiseerr=False)
    if state is not None and state.identity:
        return state.identity[0]
    return user.id
