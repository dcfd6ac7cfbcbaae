"""Schemathesis against the API's own OpenAPI document, through the WSGI app, signed in
as an officer, on each test database: no answer is a 500 and every answer matches the
document (issue 11: "use fuzzers to show that nothing else is left").

Bounded (FUZZ_EXAMPLES per operation and kind of data) so that the suite stays fast.
The operations are walked here rather than through schemathesis's pytest plugin, which
does not run under this pytest.
"""

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

FUZZ_EXAMPLES = 25


@pytest.fixture
def officer(app, client, signed_in, make_provider, make_visit, make_user, make_placement):
    """An officer's session cookie, and the provider, visit, school and placement to aim at."""
    officer = signed_in("officer")
    provider = make_provider(officer_id=officer.id)
    visit = make_visit(provider, officer=officer, status="draft", visit_uuid=str(uuid.uuid4()))
    school = make_user("school").school
    placement = make_placement(school, provider, user=officer)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return {
        "cookies": {cookie.key: cookie.value},
        "visit_uuid": visit.uuid,
        "provider_id": provider.id,
        "placement_uuid": placement.uuid,
        "school_id": school.id,
    }


def aimed(case, officer, aim):
    """Point a generated case at real records (random ids would all be 404 or 400)."""
    for name in ("visit_uuid", "placement_uuid"):
        if aim and name in (case.path_parameters or {}):
            case.path_parameters[name] = officer[name]
    if aim and isinstance(case.body, dict):
        case.body["provider_id"] = officer["provider_id"]
        if "school_id" in case.body:
            case.body["school_id"] = officer["school_id"]
    if aim and case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    return case


def operations(app):
    """Every operation of the document the app serves, loaded through the app itself."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_never_fails_and_matches_its_document(app, officer, mode):
    """Generated requests to every operation: never a 500, always the documented shape."""
    for operation in operations(app):

        @given(case=operation.as_strategy(mode), aim=st.booleans())
        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def call(case, aim):
            aimed(case, officer, aim).call_and_validate(
                cookies=officer["cookies"], checks=[not_a_server_error, response_schema_conformance]
            )

        call()
