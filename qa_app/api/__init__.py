"""The JSON API the offline client syncs through (docs/domain.md §3).

Every `/api/` route is in this package: the session, visits, photos, the offline bundle
and the OpenAPI document. One guard (`guard.py`) runs before each of them, and one
table (`errors.py`) turns a service's refusal into a status.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from qa_app.api import errors, guard, offline, openapi, photos, placements, session, visits  # noqa: E402,F401
