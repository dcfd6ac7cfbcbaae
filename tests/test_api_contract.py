"""The API answers as its published OpenAPI document says: school visits as well as provider
visits (alone and in the offline bundle), the session cookie by its real name, and an `Allow`
header on every 405."""

import pytest
from jsonschema import Draft202012Validator

from qa_app.api.openapi import build_document


def conforms(document, model, answer):
    """The problems found validating `answer` against the document's schema of `model`."""
    validator = Draft202012Validator({**document, "$ref": f"#/components/schemas/{model}"})
    return [error.message for error in validator.iter_errors(answer)]


@pytest.fixture
def document(client):
    return client.get("/api/openapi.json").get_json()


def test_a_school_visit_matches_the_document(client, document, signed_in, make_user, make_school_visit):
    """GET /api/visits/<uuid> of a school visit, and the same visit in the offline bundle."""
    officer = signed_in("officer")
    school = make_user("school").school
    visit = make_school_visit(school, status="draft", officer=officer)
    answer = client.get(f"/api/visits/{visit.uuid}").get_json()
    assert answer["provider_id"] is None and answer["school_id"] == school.id
    assert conforms(document, "VisitAnswer", answer) == []
    bundle = client.get("/api/offline-bundle").get_json()
    assert visit.uuid in {v["uuid"] for v in bundle["visits"]}
    assert conforms(document, "Bundle", bundle) == []


def test_a_provider_visit_matches_the_document(client, document, signed_in, make_provider, make_visit):
    """A provider visit too; and the document's rule refuses a visit to both or to neither."""
    officer = signed_in("officer")
    visit = make_visit(make_provider(officer_id=officer.id), officer=officer, status="draft")
    answer = client.get(f"/api/visits/{visit.uuid}").get_json()
    assert conforms(document, "VisitAnswer", answer) == []
    assert conforms(document, "VisitAnswer", {**answer, "school_id": 4, "placement_checks": {}}) != []
    assert conforms(document, "VisitAnswer", {**answer, "provider_id": None}) != []


def test_the_security_scheme_names_the_session_cookie(client, document, make_app):
    """`qa_session` over plain HTTP in development; `__Host-qa_session` in production."""
    assert document["components"]["securitySchemes"]["session"]["name"] == "qa_session"
    assert client.get_cookie("qa_session") is None
    production = make_app(ENV_NAME="production", SECRET_KEY="production-test-key")
    with production.test_request_context():
        scheme = build_document()["components"]["securitySchemes"]["session"]
    assert scheme == {"type": "apiKey", "in": "cookie", "name": "__Host-qa_session"}


@pytest.mark.parametrize("method", ["TRACE", "DELETE", "PATCH", "POST"])
def test_a_405_says_which_methods_are_allowed(client, signed_in, method):
    """On an API route (JSON) and on a page: 405 with an `Allow` header (RFC 9110)."""
    signed_in("officer")
    api = client.open("/api/visits/3f1c0a7e-0000-4000-8000-000000000000", method=method)
    assert api.status_code == 405 and api.get_json()["error"] == "method_not_allowed"
    assert {"GET", "PUT"} <= {m.strip() for m in api.headers["Allow"].split(",")}
    page = client.open("/providers", method=method)
    assert page.status_code == 405 and "GET" in page.headers["Allow"]
