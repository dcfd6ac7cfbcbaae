"""Reading a visit's JSON (DESIGN.md section 3): shape, types and unknown fields.

parse_visit() turns the body of `PUT /api/visits/<uuid>` (or the same dict built by the
HTML forms) into clean Python values, or raises PayloadError naming each bad field.
The domain rules (evidence required, dates, submission blockers) live in services.py.
"""

import re
from datetime import date

from qa_app.framework.defaults import THEME_CODES
from qa_app.framework.rating import RATINGS
from qa_app.visits.models import ACTION_OWNERS, VISIT_TYPES

TEXT_LIMIT = 20_000
MAX_JUDGEMENTS = 200
MAX_ACTIONS = 50
MAX_PUPILS = 200
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_SITES = 20

FIELDS = {
    "provider_id",
    "visit_date",
    "visit_type",
    "framework_version",
    "status",
    "people_met",
    "pupils_seen",
    "judgements",
    "theme_notes",
    "insufficient_reasons",
    "strengths",
    "pupil_voice",
    "actions",
    "action_outcomes",
    "registration_evidence",
}
# Fields the server adds to what it returns; a client may send them back unchanged.
SERVER_FIELDS = {
    "uuid",
    "version",
    "theme_rag",
    "overall_rag",
    "why",
    "registration_test",
    "officer",
    "provider_name",
    "created_at",
    "updated_at",
    "submitted_at",
    "signed_off_at",
    "return_comment",
}


class PayloadError(ValueError):
    """A visit body that is malformed; `errors` maps each field path to a message."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class _Reader:
    """Collects every field error instead of stopping at the first."""

    def __init__(self):
        self.errors = {}

    def fail(self, path, message):
        self.errors.setdefault(path, message)

    def text(self, value, path, limit=TEXT_LIMIT):
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(path, "must be text")
            return ""
        if len(value) > limit:
            self.fail(path, f"must be {limit:,} characters or fewer")
        # Control characters other than tab and newlines have no place in a note.
        return CONTROL_CHARACTERS.sub("", value).strip()

    def date(self, value, path, required=True):
        if value in (None, ""):
            if required:
                self.fail(path, "is required (a date like 2026-11-20)")
            return None
        if not isinstance(value, str):
            self.fail(path, "must be a date like 2026-11-20")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(path, "must be a real date like 2026-11-20")
            return None

    def choice(self, value, path, choices, default=None):
        if value is None and default is not None:
            return default
        if not isinstance(value, str) or value not in choices:
            self.fail(path, f"must be one of: {', '.join(choices)}")
            return default
        return value

    def integer(self, value, path, low, high, required=False):
        if value is None:
            if required:
                self.fail(path, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, "must be a whole number")
            return None
        if not low <= value <= high:
            self.fail(path, f"must be between {low} and {high}")
            return None
        return value

    def number(self, value, path, low, high, default=None):
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(path, "must be a number")
            return default
        if not low <= value <= high:
            self.fail(path, f"must be between {low} and {high}")
            return default
        return value

    def boolean(self, value, path, default):
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(path, "must be true or false")
            return default
        return value

    def mapping(self, value, path):
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(path, "must be an object")
            return {}
        return value

    def listing(self, value, path, limit):
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, "must be a list")
            return []
        if len(value) > limit:
            self.fail(path, f"must have {limit} items or fewer")
            return []
        return value

    def known_keys(self, item, path, allowed):
        for key in item:
            if key not in allowed:
                self.fail(f"{path}.{key}", "is not a known field")


def _theme_texts(reader, value, path):
    texts = {}
    for theme, text in reader.mapping(value, path).items():
        if theme not in THEME_CODES:
            reader.fail(f"{path}.{theme}", f"is not a theme (use {', '.join(THEME_CODES)})")
            continue
        cleaned = reader.text(text, f"{path}.{theme}")
        if cleaned:
            texts[theme] = cleaned
    return texts


PUPIL_FIELDS = {
    "ref",
    "hours_per_week",
    "weeks_per_year",
    "daytime",
    "ehc_plan",
    "looked_after",
    "sen",
    "main_education",
}


def _registration_evidence(reader, value):
    """The registration check's evidence: pupils by reference only, and the sites used."""
    path = "registration_evidence"
    evidence = reader.mapping(value, path)
    reader.known_keys(evidence, path, {"pupil_count", "pupils", "sites"})
    pupils, refs = [], set()
    for index, item in enumerate(reader.listing(evidence.get("pupils"), f"{path}.pupils", MAX_PUPILS)):
        where = f"{path}.pupils[{index}]"
        if not isinstance(item, dict):
            reader.fail(where, "must be an object")
            continue
        reader.known_keys(item, where, PUPIL_FIELDS)
        ref = reader.text(item.get("ref"), f"{where}.ref", 20)
        if not ref:
            reader.fail(f"{where}.ref", "Give each pupil a reference such as P1 (never a name)")
        elif ref in refs:
            reader.fail(f"{where}.ref", f"{ref} is listed twice")
        refs.add(ref)
        hours = reader.number(item.get("hours_per_week"), f"{where}.hours_per_week", 0, 60)
        if item.get("hours_per_week") is None:
            reader.fail(f"{where}.hours_per_week", "Enter the hours a week, from 0 to 60")
        weeks = item.get("weeks_per_year")
        pupils.append(
            {
                "ref": ref,
                "hours_per_week": hours or 0,
                "weeks_per_year": 38
                if weeks is None
                else reader.integer(weeks, f"{where}.weeks_per_year", 0, 52) or 0,
                **{
                    flag: reader.boolean(item.get(flag), f"{where}.{flag}", default)
                    for flag, default in (
                        ("daytime", True),
                        ("ehc_plan", False),
                        ("looked_after", False),
                        ("sen", False),
                        ("main_education", True),
                    )
                },
            }
        )
    count = reader.integer(evidence.get("pupil_count"), f"{path}.pupil_count", 0, 1000)
    if count is not None and count != len(pupils):
        reader.fail(
            f"{path}.pupil_count", f"says {count} pupils but {len(pupils)} are listed: list each pupil"
        )
    sites = [
        reader.text(site, f"{path}.sites[{index}]", 300)
        for index, site in enumerate(reader.listing(evidence.get("sites"), f"{path}.sites", MAX_SITES))
    ]
    return {"pupil_count": count, "pupils": pupils, "sites": [site for site in sites if site]}


def parse_visit(body):
    """Validate the shape of a visit body and return clean values; raises PayloadError."""
    reader = _Reader()
    if not isinstance(body, dict):
        raise PayloadError({"body": "must be a JSON object"})
    for key in body:
        if key not in FIELDS | SERVER_FIELDS:
            reader.fail(key, "is not a known field")
    visit = {
        "provider_id": reader.integer(body.get("provider_id"), "provider_id", 1, 2**31 - 1, required=True),
        "visit_date": reader.date(body.get("visit_date"), "visit_date"),
        "visit_type": reader.choice(body.get("visit_type"), "visit_type", VISIT_TYPES, "scheduled"),
        "framework_version": reader.text(body.get("framework_version"), "framework_version", 40),
        "status": reader.choice(body.get("status"), "status", ("draft", "submitted"), "draft"),
        "people_met": reader.text(body.get("people_met"), "people_met", 2000),
        "pupils_seen": reader.integer(body.get("pupils_seen"), "pupils_seen", 0, 1000),
        "theme_notes": _theme_texts(reader, body.get("theme_notes"), "theme_notes"),
        "insufficient_reasons": _theme_texts(
            reader, body.get("insufficient_reasons"), "insufficient_reasons"
        ),
        "strengths": reader.text(body.get("strengths"), "strengths"),
        "pupil_voice": reader.text(body.get("pupil_voice"), "pupil_voice"),
        "judgements": {},
        "actions": [],
        "action_outcomes": {},
        "registration_evidence": _registration_evidence(reader, body.get("registration_evidence")),
    }
    for index, item in enumerate(reader.listing(body.get("judgements"), "judgements", MAX_JUDGEMENTS)):
        path = f"judgements[{index}]"
        if not isinstance(item, dict):
            reader.fail(path, "must be an object")
            continue
        reader.known_keys(item, path, {"criterion", "rating", "evidence"})
        code = reader.text(item.get("criterion"), f"{path}.criterion", 8)
        if not code:
            reader.fail(f"{path}.criterion", "is required")
        elif code in visit["judgements"]:
            reader.fail(f"{path}.criterion", f"{code} is judged twice")
        rating = reader.choice(item.get("rating"), f"{path}.rating", RATINGS)
        evidence = reader.text(item.get("evidence"), f"{path}.evidence")
        if code and rating:
            visit["judgements"][code] = {"rating": rating, "evidence": evidence, "path": path}
    for index, item in enumerate(reader.listing(body.get("actions"), "actions", MAX_ACTIONS)):
        path = f"actions[{index}]"
        if not isinstance(item, dict):
            reader.fail(path, "must be an object")
            continue
        reader.known_keys(item, path, {"description", "owner", "due"})
        description = reader.text(item.get("description"), f"{path}.description", 2000)
        if not description:
            reader.fail(f"{path}.description", "Describe the action")
        visit["actions"].append(
            {
                "description": description,
                "owner": reader.choice(item.get("owner"), f"{path}.owner", ACTION_OWNERS, "provider"),
                "due": reader.date(item.get("due"), f"{path}.due", required=False),
                "path": path,
            }
        )
    for action_id, outcome in reader.mapping(body.get("action_outcomes"), "action_outcomes").items():
        path = f"action_outcomes.{action_id}"
        if not str(action_id).isdigit():
            reader.fail(path, "must be keyed by an action id")
            continue
        if outcome is None:
            continue
        if reader.choice(outcome, path, ("done", "not_done")):
            visit["action_outcomes"][str(int(action_id))] = outcome
    if reader.errors:
        raise PayloadError(reader.errors)
    return visit
