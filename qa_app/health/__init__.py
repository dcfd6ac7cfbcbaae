"""Liveness and readiness: /ping answers from Flask alone, /healthz also asks the database
and, when the app is configured with one, Redis."""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from qa_app.extensions import db

bp = Blueprint("health", __name__)

# A load balancer asks often and wants a quick answer: Redis gets this long to answer.
REDIS_TIMEOUT_SECONDS = 2


@bp.route("/ping")
def ping():
    """The app is up (no database, no templates): also the benchmarks' floor."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


def redis_url(config):
    """The Redis the app uses (REDIS_URL, or the sign-in throttle's storage), or None."""
    for url in (config.get("REDIS_URL"), config.get("RATELIMIT_STORAGE_URI")):
        if url and url.startswith(("redis://", "rediss://", "unix://")):
            return url
    return None


def _database_answers():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not ready"
        db.session.rollback()
        return False
    return True


def _redis_answers(url):
    import redis

    try:
        client = redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # refused, timed out, wrong password: not ready
        return False


@bp.route("/healthz")
def healthz():
    """200 when the app, its database and its Redis (if any) answer; 503 naming what does not."""
    checks = {"database": "ok" if _database_answers() else "down"}
    url = redis_url(current_app.config)
    if url:
        checks["redis"] = "ok" if _redis_answers(url) else "down"
    healthy = all(state == "ok" for state in checks.values())
    return jsonify(status="ok" if healthy else "unavailable", **checks), 200 if healthy else 503
