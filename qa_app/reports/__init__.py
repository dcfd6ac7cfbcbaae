"""Reports: the PDF visit report in two editions, emailing it, and register exports."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from qa_app.reports import routes  # noqa: E402,F401
