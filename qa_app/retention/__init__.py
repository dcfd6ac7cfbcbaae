"""Retention and disposal (docs/retention.md): the rules that say how long each kind of
record is kept, the nightly disposal of what is past its date, legal holds that keep a
record whatever its date, and the disposal log, which holds nothing personal."""

from flask import Blueprint

bp = Blueprint("retention", __name__, url_prefix="/admin/retention")

from qa_app.retention import routes  # noqa: E402,F401
