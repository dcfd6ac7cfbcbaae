"""Subject access: a request for everything held about one pupil reference at one school,
its statutory month, and the pack (PDF and JSON) that answers it (docs/domain.md §2.11)."""

from flask import Blueprint

bp = Blueprint("subject_access", __name__, url_prefix="/subject-access")

from qa_app.subject_access import routes  # noqa: E402,F401
