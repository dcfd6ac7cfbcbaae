"""Working offline: the service worker, the web app manifest, the offline visit page and
the bundle of data a tablet keeps for visits with no signal (docs/domain.md §4)."""

from flask import Blueprint

bp = Blueprint("offline", __name__)

from qa_app.offline import routes  # noqa: E402,F401
