"""Every field the sync API accepts can be set through the visit form, with the server
stopped, in a provider visit and in a school visit (docs/domain.md §2.7). The list of fields is
built from the API's own schema (VisitBody's JSON schema, followed into every nested
model), so a field added to the API and not to the form fails this test."""

import pytest
from playwright.sync_api import expect

from qa_app.visits.schemas import VisitBody
from tests.browser.conftest import sign_in, wait_for_service_worker
from tests.browser.test_officers_day import (
    OFFICER,
    idb,
    provider_with_open_actions,
    saved,
    server,  # noqa: F401 (a fixture)
    tablet,  # noqa: F401 (a fixture)
)
from tests.browser.test_school_visit_offline import school_visited_by_the_officer, start_school_visit

# What the server adds to its answers (a client may send them back unchanged), and what
# the form sets by itself: the provider and framework when the visit starts, the status
# when it is submitted (the officer's day test submits through the form).
NOT_TYPED = {
    "provider_id",
    "framework_version",
    "status",
    "uuid",
    "version",
    "theme_rag",
    "overall_rag",
    "why",
    "registration_test",
    "officer",
    "provider_name",
    "school_name",
    "created_at",
    "updated_at",
    "submitted_at",
    "signed_off_at",
    "return_comment",
}


def schema_fields(schema, node=None, prefix=""):
    """Every leaf field of a JSON schema as a path: `a.b`, `list[]`, `dict.*`."""
    node = schema if node is None else node
    if "$ref" in node:
        return schema_fields(schema, schema["$defs"][node["$ref"].rsplit("/", 1)[1]], prefix)
    options = node.get("anyOf") or node.get("oneOf")
    if options:
        return _union(schema, [option for option in options if option.get("type") != "null"], prefix)
    if node.get("type") == "object":
        return _object_fields(schema, node, prefix)
    if node.get("type") == "array":
        return schema_fields(schema, node.get("items", {}), f"{prefix}[]")
    return [prefix]


def _union(schema, nodes, prefix):
    return sorted({field for node in nodes for field in schema_fields(schema, node, prefix)})


def _object_fields(schema, node, prefix):
    if "properties" in node:
        found = []
        for name, sub in node["properties"].items():
            found += schema_fields(schema, sub, f"{prefix}.{name}" if prefix else name)
        return found
    if isinstance(node.get("additionalProperties"), dict):
        return schema_fields(schema, node["additionalProperties"], f"{prefix}.*")
    if node.get("patternProperties"):
        return _union(schema, list(node["patternProperties"].values()), f"{prefix}.*")
    return [prefix]


# Each field of the API: (section of the form, the form's field name, the value to set,
# and where the value shows in the JSON the form sends). `{theme}` and `{criterion}` are
# the first theme and criterion; `{action}` is an open action of the last visit.
FORM = {
    "visit_date": ("details", "visit_date", "2026-11-02", "visit_date"),
    "visit_type": ("details", "visit_type", "revisit", "visit_type"),
    "people_met": ("details", "people_met", "The head", "people_met"),
    "pupils_seen": ("details", "pupils_seen", "7", "pupils_seen"),
    "judgements[].criterion": (
        "themes/{theme}",
        "criterion.{criterion}",
        "not_met",
        "judgements[0].criterion",
    ),
    "judgements[].rating": ("themes/{theme}", "criterion.{criterion}", "not_met", "judgements[0].rating"),
    "judgements[].evidence": (
        "themes/{theme}",
        "evidence.{criterion}",
        "Seen in the file",
        "judgements[0].evidence",
    ),
    "theme_notes.*": ("themes/{theme}", "theme_notes.{theme}", "A note", "theme_notes.{theme}"),
    "insufficient_reasons.*": (
        "themes/{theme}",
        "insufficient_reasons.{theme}",
        "Closed",
        "insufficient_reasons.{theme}",
    ),
    "strengths": ("strengths", "strengths", "Kind staff", "strengths"),
    "pupil_voice": ("strengths", "pupil_voice", "They like it", "pupil_voice"),
    "actions[].description": ("actions", "actions[0].description", "Fix the gate", "actions[0].description"),
    "actions[].owner": ("actions", "actions[0].owner", "authority", "actions[0].owner"),
    "actions[].due": ("actions", "actions[0].due", "2027-01-31", "actions[0].due"),
    "action_outcomes.*": ("previous-actions", "action_outcomes.{action}", "done", "action_outcomes.{action}"),
    "action_notes.*": ("previous-actions", "action_notes.{action}", "Gate fixed", "action_notes.{action}"),
    "registration_evidence.pupil_count": (
        "registration",
        "registration_evidence.pupil_count",
        "1",
        "registration_evidence.pupil_count",
    ),
    "registration_evidence.pupils[].ref": (
        "registration",
        "registration_evidence.pupils[0].ref",
        "P1",
        "registration_evidence.pupils[0].ref",
    ),
    "registration_evidence.pupils[].hours_per_week": (
        "registration",
        "registration_evidence.pupils[0].hours",
        "12.5",
        "registration_evidence.pupils[0].hours_per_week",
    ),
    "registration_evidence.pupils[].weeks_per_year": (
        "registration",
        "registration_evidence.pupils[0].weeks",
        "30",
        "registration_evidence.pupils[0].weeks_per_year",
    ),
    "registration_evidence.sites[]": (
        "registration",
        "registration_evidence.sites",
        "Main hall",
        "registration_evidence.sites[0]",
    ),
}
# The pupil's yes/no questions: each is flipped from its default.
FLAGS = {"daytime": True, "ehc_plan": False, "looked_after": False, "sen": False, "main_education": True}
for flag, default in FLAGS.items():
    FORM[f"registration_evidence.pupils[].{flag}"] = (
        "registration",
        f"registration_evidence.pupils[0].{flag}",
        not default,
        f"registration_evidence.pupils[0].{flag}",
    )

# A school visit's checks of each placement: `{placement}` is the first placement listed,
# `{part_time}` a part-time one (only those are asked about their timetable's review).
for check, answer in (
    ("record_complete", "no"),
    ("provider_qa_when_placed", "yes"),
    ("confirmation_held", "no"),
):
    FORM[f"placement_checks.*.{check}"] = (
        "placements",
        f"placement_checks.{{placement}}.{check}",
        answer,
        f"placement_checks.{{placement}}.{check}",
    )
FORM["placement_checks.*.part_time_reviewed"] = (
    "placements",
    "placement_checks.{part_time}.part_time_reviewed",
    "not_applicable",
    "placement_checks.{part_time}.part_time_reviewed",
)
FORM["placement_checks.*.note"] = (
    "placements",
    "placement_checks.{placement}.note",
    "Plan and reviews on file",
    "placement_checks.{placement}.note",
)
# The school is chosen when the visit is started from the tablet's list of visits.
FORM["school_id"] = ("start", "visited", "school:{school}", "school_id")
# Fields only one kind of visit has: a school visit has no registration check.
SCHOOL_ONLY = ("school_id", "placement_checks")
PROVIDER_ONLY = ("registration_evidence",)

EXPECTED = {
    "pupils_seen": 7,
    "registration_evidence.pupil_count": 1,
    "registration_evidence.pupils[].hours_per_week": 12.5,
}
EXPECTED["registration_evidence.pupils[].weeks_per_year"] = 30


def test_the_list_of_fields_comes_from_the_api_and_the_form_covers_it():
    """A field the API accepts and the form does not set fails here first."""
    fields = [
        f
        for f in schema_fields(VisitBody.model_json_schema())
        if f.split(".")[0].split("[")[0] not in NOT_TYPED
    ]
    assert "registration_evidence.pupils[].sen" in fields and "actions[].due" in fields
    assert "school_id" in fields and "placement_checks.*.part_time_reviewed" in fields
    missing = sorted(set(fields) - set(FORM))
    assert missing == [], f"fields the API accepts that the form cannot set: {missing}"


def read(payload, path):
    """The value at `a.b[0].c` in the JSON."""
    value = payload
    for part in path.replace("]", "").replace("[", ".").split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def api_fields(leave_out=()):
    """The API's fields the officer types, less those of the other kind of visit."""
    return [
        f
        for f in schema_fields(VisitBody.model_json_schema())
        if f.split(".")[0].split("[")[0] not in (*NOT_TYPED, *leave_out)
    ]


def set_fields(page, base_url, uuid, fields, names, labels):
    """Set each field in its section of the form (the server is stopped); the draft's
    payload as toPayload makes it."""
    for field in fields:
        where, name, value, _ = FORM[field]
        if where == "start":
            continue
        where, name = where.format(**names), name.format(**names)
        url = f"{base_url}/visits/{uuid}/{where}"
        if page.url != url:
            page.goto(url)
            expect(page.locator("[data-visit-app] h1")).to_be_visible()
        if where == "actions" and not page.locator('[name="actions[0].description"]').count():
            page.get_by_role("button", name="Add an action").click()
            expect(page.locator('[name="actions[0].description"]')).to_have_count(1)  # drawn after the save
        target = page.locator(f'[name="{name}"]')
        assert target.count(), f"{field}: the form has no field {name}"
        kind = target.first.get_attribute("type")
        if kind == "hidden":  # a date: GOV.UK's three boxes, never the browser's date picker
            assert page.locator('input[type="date"]').count() == 0
            group = page.locator(f'[data-date-for="{name}"]')
            year, month, day = value.split("-")
            group.get_by_label("Day").fill(day)
            group.get_by_label("Month").fill(month)
            group.get_by_label("Year").fill(year)
        elif kind == "radio":
            page.locator(f'[name="{name}"][value="{value}"]').check()
        elif kind == "checkbox":
            target.set_checked(value)
        else:
            target.fill(value)
        if field == "judgements[].rating" or field == "judgements[].criterion":
            page.locator(f'[name="evidence.{names["criterion"]}"]').fill("Seen in the file")
        saved(page)
    draft = next(d for d in idb(page, "drafts") if d["uuid"] == uuid)
    return page.evaluate(
        "async ([draft, labels]) => (await import('/static/js/offline/payload.js')).toPayload(draft, labels)",
        [draft, labels],
    )


def expected_value(field, names):
    """What the payload holds for a field the test set."""
    _, _, value, _ = FORM[field]
    if field == "judgements[].criterion":
        return names["criterion"]
    if field == "school_id":
        return names["school"]
    return EXPECTED.get(field, value)


def test_every_field_of_the_api_is_set_through_the_form_with_the_server_stopped(tablet, server, live_app):  # noqa: F811
    fields = api_fields(leave_out=SCHOOL_ONLY)
    _, provider_name = provider_with_open_actions(live_app)
    page = tablet.open()
    sign_in(page, server.url, OFFICER)
    page.goto(f"{server.url}/programme")
    page.get_by_role("link", name=f"Start a visit to {provider_name}").click()
    page.get_by_role("button", name="Start the visit").click()
    expect(page.locator("[data-task-list]")).to_be_visible()
    uuid = page.url.rsplit("/", 1)[1]
    wait_for_service_worker(page)
    bundle = page.evaluate("async () => (await (await fetch('/api/offline-bundle')).json())")
    theme = bundle["framework"]["themes"][0]
    names = {
        "theme": theme["code"],
        "criterion": theme["criteria"][0]["code"],
        "action": next(p for p in bundle["providers"] if p["name"] == provider_name)["open_actions"][0]["id"],
    }
    server.stop()

    payload = set_fields(page, server.url, uuid, fields, names, bundle["labels"])
    for field in fields:
        got = read(payload, FORM[field][3].format(**names))
        assert got == expected_value(field, names), (field, got)


def test_every_field_of_a_school_visit_is_set_through_the_form_with_the_server_stopped(
    tablet,  # noqa: F811
    server,  # noqa: F811
    live_app,
):
    """The same in a school visit started from the tablet's list: its school, the five
    areas, each placement's checks, the school's open action, with the server stopped."""
    fields = api_fields(leave_out=PROVIDER_ONLY)
    school_id, placements = school_visited_by_the_officer(live_app)
    page = tablet.open()
    sign_in(page, server.url, OFFICER)
    page.goto(f"{server.url}/offline/shell")
    wait_for_service_worker(page)
    uuid = start_school_visit(page, server.url, school_id)
    bundle = page.evaluate("async () => (await (await fetch('/api/offline-bundle')).json())")
    framework = bundle["frameworks"][bundle["school_framework"]]
    theme = framework["themes"][0]
    school = next(s for s in bundle["schools"] if s["id"] == school_id)
    names = {
        "school": school_id,
        "theme": theme["code"],
        "criterion": theme["criteria"][0]["code"],
        "action": school["open_actions"][0]["id"],
        "placement": placements[0]["uuid"],
        "part_time": next(p["uuid"] for p in placements if p["part_time"]),
    }
    server.stop()

    payload = set_fields(page, server.url, uuid, fields, names, bundle["labels"])
    assert "provider_id" not in payload and "registration_evidence" not in payload
    for field in fields:
        got = read(payload, FORM[field][3].format(**names))
        assert got == expected_value(field, names), (field, got)


@pytest.mark.parametrize("field", ["insufficient_reasons.*", "placement_checks.*.note", "school_id"])
def test_a_field_missing_from_the_table_fails(field):
    """The coverage check can fail: without one entry, it names the field."""
    fields = api_fields()
    table = {k: v for k, v in FORM.items() if k != field}
    assert sorted(set(fields) - set(table)) == [field]
