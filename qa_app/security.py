"""Security headers on every response, with a per-request nonce for the one inline script,
and no-store on whatever a signed-in person is sent."""

import secrets

from flask import g
from flask_login import current_user

# Responses that carry what a signed-in person sees; files (photos, reports) set their own.
PERSONAL_TYPES = ("text/html", "application/json")


def init_app(app):
    """Give each request a CSP nonce and set the security headers on each response."""

    @app.before_request
    def make_nonce():
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.context_processor
    def inject_nonce():
        return {"cspNonce": g.get("csp_nonce", "")}

    @app.after_request
    def set_headers(response):
        nonce = g.get("csp_nonce", "")
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data: blob:; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        if (
            current_user
            and current_user.is_authenticated
            and response.mimetype in PERSONAL_TYPES
            and "Cache-Control" not in response.headers
        ):
            # On a shared tablet a cached page would outlive the sign-out.
            response.headers["Cache-Control"] = "no-store"
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
