"""Error pages in the service's own style, and JSON errors for the API."""

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from qa_app.request_limits import FORM_TOO_LARGE, is_form

MESSAGES = {
    400: ("There is a problem with your request", "Go back, check what you entered and try again."),
    401: ("Sign in to continue", "Your session has ended. Sign in again."),
    403: (
        "You do not have access to this page",
        "Your role does not allow this. Ask an administrator if you need access.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. The record may have been removed.",
    ),
    405: ("That action is not allowed here", "Go back and use the buttons on the page."),
    413: (
        "What you sent is too large",
        "Files must be under 16 MB. Try a smaller photo or fewer files.",
    ),
    429: ("Too many attempts", "For your security, wait a minute before you try again."),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. What you entered may not have been saved.",
    ),
}


# The API's machine-readable names for the HTTP errors it can give.
API_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "server_error",
}


def _render(code, detail=None):
    title, advice = MESSAGES.get(code, (f"Error {code}", ""))
    if request.path.startswith("/api/"):
        # The same JSON shape as the API's own answers (qa_app.api.errors).
        return jsonify(error=API_CODES.get(code, "error"), message=detail or title, status=code), code
    return render_template("errors/error.html", code=code, title=title, advice=detail or advice), code


def _own_headers(error):
    """The headers the error carries beside its body: `Allow` on a 405 (which RFC 9110
    requires), `Retry-After` when one is given."""
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def init_app(app):
    """Register one handler for HTTP errors and one for anything unexpected."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if request.path.startswith("/api/"):
            return jsonify(error="csrf_failed", message="Fetch a fresh token from /api/session."), 400
        return _render(400, "The form had expired. Go back, reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error):
        # A description given to abort() explains this case better than the generic advice.
        custom = error.description if error.description != type(error).description else None
        if error.code == 413 and is_form():
            custom = FORM_TOO_LARGE
        response, code = _render(error.code, custom)
        return response, code, _own_headers(error)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        return _render(500)
