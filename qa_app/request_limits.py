"""Form bodies bounded before they are read.

Werkzeug applies MAX_FORM_MEMORY_SIZE and MAX_FORM_PARTS to multipart forms only: an
urlencoded body is read whole into memory and split into as many fields as it holds, so
15 MB of empty fields would hold a worker for seconds. Here an urlencoded body may be at
most MAX_FORM_CONTENT_LENGTH bytes (refused from its Content-Length, before any of it is
read, or once that much has been read when it has none) and hold at most MAX_FORM_PARTS
fields. Files (photos, CSV imports) keep MAX_CONTENT_LENGTH.
"""

from urllib.parse import parse_qsl

from flask import Request, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

URLENCODED = "application/x-www-form-urlencoded"
FORM_TOO_LARGE = (
    "The form you sent is larger than the service accepts. Shorten the longest answers and try again."
)


class FieldCountingParser(FormDataParser):
    """Werkzeug's parser, with MAX_FORM_PARTS applied to urlencoded fields as well."""

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        body = stream.read()
        if self.max_form_parts is not None and body.count(b"&") >= self.max_form_parts:
            raise RequestEntityTooLarge(FORM_TOO_LARGE)
        items = parse_qsl(body.decode(), keep_blank_values=True, errors="werkzeug.url_quote")
        return stream, self.cls(items), self.cls()


class BoundedRequest(Request):
    """A request whose urlencoded body is bounded by MAX_FORM_CONTENT_LENGTH."""

    form_data_parser_class = FieldCountingParser

    @property
    def max_content_length(self):
        limit = Request.max_content_length.fget(self)
        if self._max_content_length is None and current_app and self.mimetype == URLENCODED:
            form_limit = current_app.config["MAX_FORM_CONTENT_LENGTH"]
            return form_limit if limit is None else min(limit, form_limit)
        return limit

    @max_content_length.setter
    def max_content_length(self, value):
        self._max_content_length = value


def is_form():
    """True when the request in hand is an urlencoded form (for the 413 page's advice)."""
    return request.mimetype == URLENCODED
