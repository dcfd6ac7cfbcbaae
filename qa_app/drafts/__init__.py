"""The draft report and factual accuracy: a submitted visit's draft provider edition shared
with the provider, its comments on matters of fact, and the officer's answer to each."""

from flask import Blueprint

bp = Blueprint("drafts", __name__)

from qa_app.drafts import routes  # noqa: E402,F401
