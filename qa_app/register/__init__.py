"""The public register: name, borough, QA status and last visit date, nothing more."""

from flask import Blueprint

bp = Blueprint("register", __name__)

from qa_app.register import routes  # noqa: E402,F401
