"""The one check before every API route: signed in (JSON 401), then for writes JSON from
this site's own pages, then the CSRF token. In that order, so a signed-out caller is
told to sign in rather than that its token is missing."""

from flask import current_app, request
from flask_login import current_user

from qa_app.api import bp
from qa_app.api.errors import error
from qa_app.extensions import csrf

# Routes a signed-out caller may reach (the OpenAPI document describes the API, no data).
PUBLIC = {"api.openapi_document"}
WRITES = ("PUT", "POST", "DELETE", "PATCH")
JSON_ONLY_EXEMPT = {"api.put_photo"}  # photos travel as image/jpeg or image/png bodies

csrf.exempt(bp)  # checked below, after the sign-in check


def from_another_site():
    """True when the browser says the request comes from another site."""
    origin = request.headers.get("Origin")
    if origin and origin != request.host_url.rstrip("/"):
        return True
    return request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none")


@bp.before_request
def guard():
    """Sign-in, same origin, JSON and CSRF, for every /api/ route."""
    if request.endpoint in PUBLIC:
        return None
    if not current_user.is_authenticated:
        return error(401, "unauthorized", "Sign in to continue.")
    if request.method not in WRITES:
        return None
    if from_another_site():
        return error(403, "foreign_origin", "Requests must come from this site.")
    if (
        request.endpoint not in JSON_ONLY_EXEMPT
        and request.mimetype != "application/json"
        and request.content_length
    ):
        return error(415, "unsupported_media_type", "Send JSON (Content-Type: application/json).")
    if current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()
    return None


@bp.after_request
def never_stored(response):
    """Personal data in JSON must not outlive the session in any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
