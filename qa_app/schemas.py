"""The toolkit every JSON contract is written with (pydantic): bounded text with control
characters dropped, ISO dates, numbers within bounds, models that refuse unknown fields, and
read(), which validates a body or raises Invalid naming each bad field by its API path
(judgements[3].evidence). The visit's and the placement's contracts are built from it.
"""

import json
import re
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictStr, ValidationError

from qa_app.domain import Invalid

TEXT_LIMIT = 20_000


# The widest value an Integer column holds on every database the app runs on.
MAX_ID = 2**31 - 1


# Control characters other than tab and newlines have no place in a note.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Half of a UTF-16 pair on its own ("\ud800" in JSON) is no character: no database or
# encoder takes it.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


NOT_UNICODE = "must be real text: it holds half of a character (a lone surrogate such as \\ud800)"


def _clean(text):
    return CONTROL_CHARACTERS.sub("", text).strip()


def not_unicode(data, path=""):
    """The path of the first text (key or value) in JSON data with a lone surrogate, else None."""
    # One pass in C over the whole body first: nearly every body is clean, and walking it
    # item by item (a path string and a search for each) cost a few milliseconds a save.
    if not LONE_SURROGATE.search(json.dumps(data, ensure_ascii=False, default=str)):
        return None
    return _first_lone_surrogate(data, path)


def _first_lone_surrogate(data, path):
    """not_unicode's walk, for a body known to hold a lone surrogate somewhere."""
    if isinstance(data, str):
        return path or "body" if LONE_SURROGATE.search(data) else None
    if isinstance(data, list):
        items = ((f"{path}[{index}]", value) for index, value in enumerate(data))
    elif isinstance(data, dict):
        items = ((f"{path}.{key}" if path else str(key), value) for key, value in data.items())
    else:
        return None
    for item_path, value in items:
        if isinstance(data, dict) and LONE_SURROGATE.search(item_path):
            return path or "body"
        found = _first_lone_surrogate(value, item_path)
        if found:
            return found
    return None


def _blank_if_none(value):
    return "" if value is None else value


def required(value, message):
    if not value:
        raise ValueError(message)
    return value


def _iso_date(value):
    """Dates travel as ISO text (2026-11-20); the pages pass date objects."""
    if value is None or isinstance(value, date):
        return value
    if value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("must be a date like 2026-11-20")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a real date like 2026-11-20") from None


def text(limit=TEXT_LIMIT):
    """Text of at most `limit` characters; null reads as empty; control characters dropped;
    a lone surrogate refused (pydantic's string_unicode error, worded in MESSAGES)."""
    return Annotated[
        StrictStr,
        BeforeValidator(_blank_if_none),
        Field(max_length=limit),
        AfterValidator(_clean),
    ]


IsoDate = Annotated[date | None, BeforeValidator(_iso_date)]


def between(low, high, whole=True):
    """A JSON number from `low` to `high` (never true/false or text), with one message."""

    def check(value):
        kinds = (int,) if whole else (int, float)
        if type(value) not in kinds:
            raise ValueError("must be a whole number" if whole else "must be a number")
        if not low <= value <= high:  # NaN fails this too
            raise ValueError(f"must be between {low} and {high}")
        return value

    schema = Field(ge=low, le=high, allow_inf_nan=False)
    if whole:
        return Annotated[int, BeforeValidator(check), schema]
    return Annotated[float, BeforeValidator(check), schema, AfterValidator(_integral)]


def _integral(value):
    """25.0 is stored and shown as 25."""
    return int(value) if value.is_integer() else value


class Strict(BaseModel):
    """Unknown fields are refused, so a typo is an error rather than lost data."""

    model_config = ConfigDict(extra="forbid", str_max_length=TEXT_LIMIT, allow_inf_nan=False)


MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "string_type": "must be text",
    "string_unicode": NOT_UNICODE,
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false",
    "float_type": "must be a number",
    "finite_number": "must be a number",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "string_pattern_mismatch": "must be keyed by an action id",
}


def _path(loc):
    """('judgements', 3, 'evidence') -> 'judgements[3].evidence'; dict keys join with dots."""
    path = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _message(error):
    kind, ctx = error["type"], error.get("ctx", {})
    if kind in MESSAGES:
        return MESSAGES[kind]
    if kind == "literal_error":
        return f"must be one of: {ctx.get('expected', '').replace(chr(39), '')}"
    if kind == "string_too_long":
        return f"must be {ctx['max_length']:,} characters or fewer"
    if kind == "string_too_short":
        return "is required"
    if kind == "too_long" and isinstance(error.get("input"), str):
        return f"must be {ctx['max_length']:,} characters or fewer"
    if kind == "too_long":
        return f"must have {ctx['max_length']} items or fewer"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be {ctx.get('ge', ctx.get('gt'))} or more"
    if kind in ("less_than_equal", "less_than"):
        return f"must be {ctx.get('le', ctx.get('lt'))} or less"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


def field_errors(problem, prefix=""):
    """A pydantic ValidationError as {field path: message}, first message per field."""
    errors = {}
    for error in problem.errors():
        path = _path(error["loc"])
        errors.setdefault(
            f"{prefix}.{path}" if prefix and path else prefix or path or "body", _message(error)
        )
    return errors


def read(model, data, prefix=""):
    """Validate `data` as `model`, or raise Invalid naming each bad field."""
    if not isinstance(data, dict):
        raise Invalid({prefix or "body": "must be a JSON object"})
    bad_text = not_unicode(data, prefix)
    if bad_text:
        raise Invalid({bad_text: NOT_UNICODE})
    try:
        return model.model_validate(data)
    except ValidationError as problem:
        raise Invalid(field_errors(problem, prefix)) from None
