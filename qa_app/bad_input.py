"""Input the database cannot take, refused for every route in one place.

PostgreSQL refuses a NUL byte in text, and both databases refuse integers wider than
their columns; a row changed by two requests at once fails its version check. Each of
these is answered with a clear 4xx message here rather than a 500 in every view.
"""

from flask import abort, jsonify, render_template, request
from sqlalchemy.exc import DataError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.routing import IntegerConverter

from qa_app.extensions import db
from qa_app.schemas import MAX_ID

NUL_MESSAGE = "What you sent contains a NUL character (\\0), which cannot be stored. Remove it and try again."
TOO_LARGE_MESSAGE = "A number or text you entered is too large to be stored. Check what you entered."
CONCURRENT_MESSAGE = (
    "This record was changed by someone else at the same time. Reload the page and try again."
)


class DatabaseId(IntegerConverter):
    """`<int:...>` in a URL, at most what an Integer column holds (larger is a 404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def database_id(text):
    """A record id typed or sent as text: ASCII digits from 1 to MAX_ID, else None."""
    text = (text or "").strip()
    # The length first: Python will not read a number of more than 4,300 digits.
    if len(text) <= len(str(MAX_ID)) and text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID:
        return int(text)
    return None


def has_nul(values):
    """True when any key or value of a MultiDict holds a NUL byte."""
    return any("\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values)


def _refuse_nul():
    """400 for a NUL byte in the path, the query string or a form field."""
    if "\x00" in request.path or has_nul(request.args) or (request.form and has_nul(request.form)):
        abort(400, NUL_MESSAGE)


TITLES = {400: "There is a problem with your request", 409: "Someone else changed this at the same time"}


def _answer(status, code, message):
    """The error in the API's JSON shape, or as the service's error page."""
    if request.path.startswith("/api/"):
        return jsonify(error=code, message=message, status=status), status
    return render_template("errors/error.html", code=status, title=TITLES[status], advice=message), status


def init_app(app):
    """Bound the URL ids, refuse NUL bytes, and answer overflow and races with 4xx."""
    app.url_map.converters["int"] = DatabaseId
    app.before_request(_refuse_nul)

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def too_large(error):
        db.session.rollback()
        return _answer(400, "bad_request", TOO_LARGE_MESSAGE)

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(error):
        db.session.rollback()
        return _answer(409, "conflict", CONCURRENT_MESSAGE)
