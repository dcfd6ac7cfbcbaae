"""The pages put together from several features, each at its URL: a provider's page, a
school's page, school staff's home and the Head of Access's dashboard. They sit above every
feature they draw on; each feature keeps the queries and rules behind what they show."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from qa_app.pages import dashboard, provider, school, school_home  # noqa: E402,F401
