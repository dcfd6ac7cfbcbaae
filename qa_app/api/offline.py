"""GET /api/offline-bundle: what a tablet keeps for visits with no signal.

The answer carries a strong ETag (a hash of its bytes), so a tablet that sends it back in
If-None-Match gets 304 while nothing changed; it is gzip-compressed when the tablet
accepts gzip (every browser does)."""

import hashlib

import orjson
from flask import current_app, request
from flask_login import current_user
from isal import igzip

from qa_app.api import bp
from qa_app.api.models import Bundle
from qa_app.api.openapi import documented
from qa_app.audit.reads import audited
from qa_app.auth.permissions import authorize
from qa_app.offline.bundle import offline_bundle

# ISA-L's gzip (standard gzip, read by every browser) at its default level compresses a
# 500 KB bundle in about 0.4 ms, a fifth of zlib's level 1, to a smaller answer (88 KB
# against 95 KB at 30,000 placements in bench.bundle).
GZIP_LEVEL = 2


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
            igzip.compress(body, GZIP_LEVEL, mtime=0), mimetype="application/json"
        )
        response.content_encoding = "gzip"
    else:
        response = current_app.response_class(body, mimetype="application/json")
    response.set_etag(tag)
    response.vary.add("Accept-Encoding")
    return response
