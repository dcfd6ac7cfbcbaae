"""What the benchmark reads off the app's HTML: the sign-in form's CSRF token and the
register's "N providers" line."""

import re

_CSRF_INPUT = re.compile(r"<input[^>]*\bname=\"csrf_token\"[^>]*>")
_VALUE = re.compile(r"\bvalue=\"([^\"]*)\"")
_PROVIDER_COUNT = re.compile(r"(\d+) providers?(?:, page \d+ of (\d+))?")


def csrf_token(html):
    """The hidden csrf_token value of the first form on the page."""
    tag = _CSRF_INPUT.search(html)
    value = _VALUE.search(tag.group(0)) if tag else None
    if value is None:
        raise RuntimeError("No csrf_token input on the sign-in page")
    return value.group(1)


def register_summary(html):
    """(providers matched, pages) from the register page, or None if it is not one."""
    found = _PROVIDER_COUNT.search(html) if "Provider register" in html else None
    if found is None:
        return None
    return int(found.group(1)), int(found.group(2) or 1)
