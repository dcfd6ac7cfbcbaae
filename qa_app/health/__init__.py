"""Liveness and readiness: /ping answers from Flask alone, /healthz also asks the database."""

from flask import Blueprint, jsonify
from sqlalchemy import text

from qa_app.extensions import db

bp = Blueprint("health", __name__)


@bp.route("/ping")
def ping():
    """The app is up (no database, no templates): also the benchmarks' floor."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.route("/healthz")
def healthz():
    """200 when the app and its database answer, 503 when the database does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not ready"
        db.session.rollback()
        return jsonify(status="unavailable", database="down"), 503
    return jsonify(status="ok", database="ok")
