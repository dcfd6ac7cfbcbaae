"""Reports: the PDF visit report in two editions, emailing it, and the register's exports (their
pages are in qa_app/pages/register_exports.py)."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from qa_app.reports import routes  # noqa: E402,F401
