"""GET /api/offline-bundle: what a tablet keeps for visits with no signal.

The answer carries a strong ETag (a hash of its bytes), so a tablet that sends it back in
If-None-Match gets 304 while nothing changed; it is gzip-compressed when the tablet
accepts gzip (every browser does)."""

import gzip
import hashlib

import orjson
from flask import current_app, request
from flask_login import current_user

from qa_app.api import bp
from qa_app.api.models import Bundle
from qa_app.api.openapi import documented
from qa_app.audit.reads import audited
from qa_app.auth.permissions import authorize
from qa_app.offline.bundle import offline_bundle

# Level 1 costs a third of level 6's time; the bundle comes out about a quarter bigger,
# still a small fraction of what a tablet is sent for its first copy of the pages.
GZIP_LEVEL = 1


def _encoded(bundle):
    """The bundle as compact UTF-8 JSON. Its keys keep the order the bundle is built in,
    which is fixed, so the same bundle always gives the same bytes (and ETag); sorting
    them would cost time for nothing."""
    return orjson.dumps(bundle, default=current_app.json.default)


@bp.route("/offline-bundle")
@documented(
    "What a tablet keeps for visits with no signal",
    {
        200: ("The bundle, with its ETag; gzip-compressed when the caller accepts gzip", Bundle),
        304: ("Not modified: the If-None-Match sent is the bundle's ETag", None),
    },
    errors=(401, 403),
    headers=(("If-None-Match", False, "The ETag of the bundle the tablet holds"),),
)
@audited("download", "offline_bundle")
def bundle():
    """The officer's providers, framework, registration rules and programme (JSON)."""
    authorize("visit.start")
    body = _encoded(offline_bundle(current_user))
    compressed = request.accept_encodings["gzip"] > 0
    tag = hashlib.sha256(body).hexdigest()[:32] + ("-gzip" if compressed else "")
    if request.if_none_match.contains(tag):
        response = current_app.response_class(status=304)
    elif compressed:
        response = current_app.response_class(
            gzip.compress(body, GZIP_LEVEL, mtime=0), mimetype="application/json"
        )
        response.content_encoding = "gzip"
    else:
        response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(tag)
    response.vary.add("Accept-Encoding")
    return response
