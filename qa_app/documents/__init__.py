"""The documents a provider must hold: uploaded by its staff with their dates, approved by its
officer, reminded before they expire, and counted in the provider's QA status."""

from flask import Blueprint

bp = Blueprint("documents", __name__)

from qa_app.documents import routes  # noqa: E402,F401
