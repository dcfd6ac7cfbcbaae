"""The API's OpenAPI document: valid OpenAPI 3.1, with every /api/ route in it."""

from openapi_spec_validator import validate

from qa_app.api.openapi import build_document


def test_the_document_is_valid_openapi_3_1(client):
    """Served without signing in, and valid by a validator no one here wrote."""
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_api_route_is_documented(app):
    """A route under /api/ is in the document with each of its methods."""
    with app.test_request_context():
        paths = build_document()["paths"]
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi_document":
            path = rule.rule.removeprefix("/api").replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in paths[path], (rule.rule, method)


def test_the_visit_body_is_the_models_schema(app):
    """The PUT body is described by VisitBody's own schema, so the two cannot drift."""
    with app.test_request_context():
        document = build_document()
    put = document["paths"]["/visits/{visit_uuid}"]["put"]
    schema = put["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/VisitBody"}
    assert "judgements" in document["components"]["schemas"]["VisitBody"]["properties"]


def test_each_409_body_of_a_put_matches_exactly_one_schema(app):
    """A tablet tells "still in progress, retry" from an If-Match conflict by the body: the
    document's 409 of each PUT is one of the two (oneOf), and each real body fits just one."""
    from jsonschema import Draft202012Validator

    with app.test_request_context():
        document = build_document()
    in_progress = {"error": "in_progress", "message": "Still being saved; retry."}
    conflict = {"error": "conflict", "message": "Changed since your copy.", "conflict_id": 3}
    for path in ("/visits/{visit_uuid}", "/placements/{placement_uuid}"):
        schema = document["paths"][path]["put"]["responses"]["409"]["content"]["application/json"]["schema"]
        assert {"$ref": "#/components/schemas/InProgressAnswer"} in schema["oneOf"]
        validator = Draft202012Validator({**schema, "components": document["components"]})
        assert validator.is_valid(in_progress) and validator.is_valid(conflict), path
        assert not validator.is_valid({"error": "in_progress"}), path  # a message is required
