"""The audit of reads: who viewed, downloaded or exported pupil-level or safeguarding
content, kept append-only, and the administrators' search and export of it."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

from qa_app.audit import routes  # noqa: E402,F401
