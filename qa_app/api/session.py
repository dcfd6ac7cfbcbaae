"""GET /api/session: who is signed in, and a fresh CSRF token for the next writes."""

from flask import jsonify
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from qa_app.api import bp
from qa_app.api.models import Session
from qa_app.api.openapi import documented


@bp.route("/session")
@documented("Who is signed in, and a CSRF token", {200: ("The session", Session)}, errors=(401,))
def session_info():
    """Who is signed in, and a fresh CSRF token for the next writes."""
    user = current_user
    return jsonify(
        user={
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "role": user.role,
            "school_id": user.school_id,
        },
        csrf_token=generate_csrf(),
    )
