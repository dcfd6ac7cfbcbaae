"""Schemathesis against the API's own OpenAPI document, signed in as each role that uses
the API (officer, Head of Access, school), through the WSGI app and over HTTP against a live
server, on each test database: no answer is a 500, and every answer's status, content type,
headers and body are the ones the document gives.

Bounded (FUZZ_EXAMPLES per operation, role, transport and kind of data) so that the suite
stays within a couple of minutes. The operations are walked here rather than through
schemathesis's pytest plugin, which does not run under this pytest.
"""

import threading
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.serving import make_server

from qa_app.auth.models import School
from qa_app.extensions import db

FUZZ_EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
ROLES = ["officer", "head_of_access", "school"]


@pytest.fixture
def records(app, make_user, make_provider, make_visit, make_placement, make_school_visit, head_of_access):
    """A provider visit, a school visit, a school and a placement there, for the fuzzer to aim at."""
    officer = make_user("officer")
    provider = make_provider(officer_id=officer.id)
    school_user = make_user("school")
    school = school_user.school
    return {
        "users": {"officer": officer, "head_of_access": head_of_access(), "school": school_user},
        "provider_visit": make_visit(provider, officer=officer, status="draft").uuid,
        "school_visit": make_school_visit(school, status="draft", officer=officer).uuid,
        "placement_uuid": make_placement(school, provider, user=officer).uuid,
        "provider_id": provider.id,
        "school_id": school.id,
    }


def session_cookies(app, user):
    """The cookie of a session signed in through the real sign-in form."""
    from tests.factories import PASSWORD

    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return {cookie.key: cookie.value}


def aimed(case, records, aim):
    """Point a generated case at real records (random ids would all be 404 or 400): at the
    provider visit and its provider, or at the school visit and its school."""
    if aim is None:
        return case
    params = case.path_parameters or {}
    if "visit_uuid" in params:
        params["visit_uuid"] = records[f"{aim}_visit"]
    if "placement_uuid" in params:
        params["placement_uuid"] = records["placement_uuid"]
    if isinstance(case.body, dict):
        if aim == "school" and "visit_date" in case.body:  # a visit body
            case.body.pop("provider_id", None)
            case.body["school_id"] = records["school_id"]
        else:
            case.body["provider_id"] = records["provider_id"]
            if "school_id" in case.body:
                case.body["school_id"] = records["school_id"]
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())
    return case


@pytest.fixture
def live_server(app):
    """The app served over HTTP by werkzeug in a thread, on a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def schema_of(app, request, transport):
    """The document the app serves, loaded through the app itself or over HTTP."""
    if transport == "wsgi":
        return schemathesis.openapi.from_wsgi("/api/openapi.json", app), {}
    base = request.getfixturevalue("live_server")
    return schemathesis.openapi.from_url(f"{base}/api/openapi.json"), {"base_url": f"{base}/api"}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("transport", ["wsgi", "live"])
@pytest.mark.parametrize("role", ROLES)
def test_the_api_never_fails_and_matches_its_document(app, records, request, role, transport, mode):
    """Generated requests to every operation: never a 500, always the documented answer."""
    cookies = session_cookies(app, records["users"][role])
    schema, where = schema_of(app, request, transport)
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(mode), aim=st.sampled_from([None, "provider", "school"]))
        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def call(case, aim):
            aimed(case, records, aim).call_and_validate(cookies=cookies, checks=CHECKS, **where)

        call()


HUGE = "9" * 5000  # more digits than Python will read as a number


def test_placement_queries_and_far_dates_never_fail(client, login, records):
    """Ids of thousands of digits in the list's query, and a start date in year 9999."""
    from tests.factories import placement_body

    login(records["users"]["officer"])
    for name in ("school_id", "provider_id"):
        for value in (HUGE, "-1", "1e9", "²", "0"):
            response = client.get(f"/api/placements?{name}={value}")
            assert response.status_code == 400 and response.is_json, (name, value)
    school = db.session.get(School, records["users"]["school"].school_id)
    body = placement_body(
        school, records["provider_id"], start_date="9999-12-20", planned_end_date="9999-12-30"
    )
    response = client.put(
        f"/api/placements/{uuid.uuid4()}", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}
    )
    assert response.status_code == 400 and "start_date" in response.get_json()["fields"]
