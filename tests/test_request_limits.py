"""Form bodies are bounded before they are read: a large urlencoded body, or one of too many
fields, is refused with a clear 413 (a page, or JSON under /api/); files keep their limits."""

import io

from wtforms.validators import Length

from qa_app.framework.services import current_version
from qa_app.request_limits import FORM_TOO_LARGE
from qa_app.visits.forms import theme_form
from tests.test_form_limits import every_form

FORM = "application/x-www-form-urlencoded"
# The most bytes one typed character can take in an urlencoded body, for any letter a
# person may type in these forms (accented Latin: two UTF-8 bytes, each percent-encoded).
BYTES_PER_CHARACTER = 6


class CountingStream(io.RawIOBase):
    """A body of `size` bytes of empty fields ("&&&..."), made as it is read: counts what was read."""

    def __init__(self, size):
        self.size, self.position, self.read_bytes = size, 0, 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=0):
        self.position = self.size if whence == 2 else offset
        return self.position

    def tell(self):
        return self.position

    def readinto(self, buffer):
        count = min(len(buffer), self.size - self.position)
        buffer[:count] = b"&" * count
        self.position += count
        self.read_bytes += count
        return count


def test_a_15_mb_form_to_the_sign_in_page_is_refused_unread(client):
    """A signed-out POST /login of 15 MB of empty fields: 413 with a clear page, and not one
    byte of it read."""
    body = CountingStream(15 * 1024 * 1024)
    response = client.post("/login", input_stream=body, content_type=FORM)
    assert response.status_code == 413
    assert FORM_TOO_LARGE.encode() in response.data
    assert body.read_bytes == 0


def test_a_form_of_unknown_length_is_read_only_up_to_the_limit(app, client):
    """Without a Content-Length, at most the form limit is read before the 413."""
    body = CountingStream(15 * 1024 * 1024)
    chunked = {"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True}
    response = client.post("/login", input_stream=body, content_type=FORM, environ_overrides=chunked)
    assert response.status_code == 413
    assert body.read_bytes <= app.config["MAX_FORM_CONTENT_LENGTH"] + 64 * 1024


def test_a_small_form_of_too_many_fields_is_refused(app, client):
    """MAX_FORM_PARTS applies to urlencoded forms too, not only to multipart."""
    fields = "&".join(f"f{n}=" for n in range(app.config["MAX_FORM_PARTS"] + 1))
    response = client.post("/login", data=fields, content_type=FORM)
    assert response.status_code == 413 and FORM_TOO_LARGE.encode() in response.data
    fine = "&".join(["email=a%40example.org", "password=wrong-password"] + [f"f{n}=" for n in range(100)])
    assert client.post("/login", data=fine, content_type=FORM).status_code == 400


def test_an_api_route_answers_a_large_form_in_json(client, signed_in):
    """Under /api/ the refusal is the API's JSON error."""
    signed_in("officer")
    body = CountingStream(3 * 1024 * 1024)
    response = client.post("/api/session", input_stream=body, content_type=FORM)
    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large" and body.read_bytes == 0


def _worst_case_bytes(form):
    """The body of this form with every text field filled to its limit with accented letters."""
    total = 0
    for name, field in form._fields.items():
        limits = [v.max for v in field.validators if isinstance(v, Length) and v.max and v.max > 0]
        total += len(name) + 2 + BYTES_PER_CHARACTER * min(limits, default=200)
    return total


def test_every_form_filled_in_full_fits_the_limit(app):
    """No page's form, filled to every field's limit, is refused as too large (each theme's
    page with all its criteria as well)."""
    forms = every_form(app)
    criteria = current_version().active_criteria()
    with app.test_request_context():
        for theme in {criterion.theme for criterion in criteria}:
            forms.append(theme_form([c for c in criteria if c.theme == theme]))
    limit = app.config["MAX_FORM_CONTENT_LENGTH"]
    too_big = {
        type(form).__name__: _worst_case_bytes(form) for form in forms if _worst_case_bytes(form) > limit
    }
    assert too_big == {}
    assert all(len(form._fields) < app.config["MAX_FORM_PARTS"] for form in forms)
