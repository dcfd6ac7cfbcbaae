"""The API's OpenAPI 3.1 document, made from the routes and the pydantic models.

Each route says what it reads and answers with `@documented(...)`; the document walks
the app's URL map, so a route under /api/ cannot be added without appearing in it (a
test checks every route is documented). Served at /api/openapi.json.
"""

from flask import current_app, jsonify
from pydantic.json_schema import models_json_schema

from qa_app.api import bp
from qa_app.api.models import (
    Bundle,
    ConflictAnswer,
    InProgressAnswer,
    Photo,
    PlacementAnswer,
    PlacementConflictAnswer,
    PlacementList,
    Problem,
    Session,
    VisitAnswer,
    VisitChangesAnswer,
)
from qa_app.api.put import Changes, put_headers
from qa_app.placements.schemas import PlacementBody
from qa_app.visits.schemas import VisitBody

ERRORS = {
    400: "Bad input: each bad field is named",
    401: "Not signed in",
    403: "Not allowed, or not from this site",
    404: "No such record, or not one this user may see",
}
# What the API reads from these headers (any other header is plain text).
HEADER_SCHEMAS = {
    "Idempotency-Key": {"type": "string", "format": "uuid"},
    "If-Match": {"type": "string", "pattern": '^(W/)?"?[0-9]{1,100}"?$'},
}
MODELS = (
    Bundle,
    Changes,
    ConflictAnswer,
    InProgressAnswer,
    Photo,
    PlacementAnswer,
    PlacementBody,
    PlacementConflictAnswer,
    PlacementList,
    Problem,
    Session,
    VisitAnswer,
    VisitBody,
    VisitChangesAnswer,
)


def documented(summary, answers, body=None, headers=(), errors=(400, 401, 403, 404), query=()):
    """Attach what a route reads and answers, for the OpenAPI document.

    `answers` maps a status to (description, model, a tuple of models, or None); `body` is a model or a
    dict of media types; `headers` are (name, required, description); `query` are the
    optional query parameters as (name, JSON schema, description).
    """

    def attach(view):
        view.openapi = {
            "summary": summary,
            "answers": answers,
            "body": body,
            "headers": headers,
            "errors": errors,
            "query": query,
        }
        return view

    return attach


def documented_put(kind, answer, conflict_answer, body, locked=False):
    """`documented` for the PUT of a synced record (api/put.py): its answers, its
    Idempotency-Key and If-Match headers, and its body."""
    changed = "Locked, or changed" if locked else "Changed"
    return documented(
        f"Create or update a {kind}",
        {
            200: ("Updated", answer),
            201: ("Created", answer),
            409: (
                f"{changed} since If-Match: the caller's copy is kept (`conflict`); or an"
                " earlier request with this key is still running (`in_progress`: retry)",
                (conflict_answer, InProgressAnswer),
            ),
            422: ("This Idempotency-Key was used for another request", Problem),
            428: (f"Changing a {kind} needs If-Match", Problem),
        },
        body=body,
        headers=put_headers(kind),
    )


def _ref(model):
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _content(model):
    """The JSON body of an answer: one model, or one of a tuple of them."""
    if model is None:
        return {}
    schema = {"oneOf": [_ref(m) for m in model]} if isinstance(model, tuple) else _ref(model)
    return {"content": {"application/json": {"schema": schema}}}


def _operation(view, path_params):
    doc = view.openapi
    parameters = (
        [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
            for name in path_params
        ]
        + [
            {
                "name": name,
                "in": "header",
                "required": required,
                "description": text,
                "schema": HEADER_SCHEMAS.get(name, {"type": "string"}),
            }
            for name, required, text in doc["headers"]
        ]
        + [
            {"name": name, "in": "query", "required": False, "description": text, "schema": schema}
            for name, schema, text in doc.get("query", ())
        ]
    )
    responses = {
        str(status): {"description": text, **_content(model)}
        for status, (text, model) in doc["answers"].items()
    }
    for status in doc["errors"]:
        responses.setdefault(str(status), {"description": ERRORS.get(status, "Refused"), **_content(Problem)})
    operation = {
        "summary": doc["summary"],
        "operationId": view.__name__,
        "parameters": parameters,
        "responses": responses,
    }
    body = doc["body"]
    if isinstance(body, dict):
        operation["requestBody"] = {"required": True, "content": body}
    elif body is not None:
        operation["requestBody"] = {"required": True, **_content(body)}
    return operation


def build_document():
    """The whole document, for this app's routes."""
    paths = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.openapi_document":
            continue
        view = current_app.view_functions[rule.endpoint]
        path = rule.rule.removeprefix("/api").replace("<", "{").replace(">", "}")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(view, list(rule.arguments))
    _, schemas = models_json_schema(
        [(model, "validation") for model in MODELS], ref_template="#/components/schemas/{model}"
    )
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{current_app.config['SERVICE_NAME']} sync API", "version": "1"},
        "servers": [{"url": "/api"}],
        "paths": paths,
        "components": {
            "schemas": schemas.get("$defs", {}),
            # The session cookie by the name this app gives it (`__Host-qa_session` in production).
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": current_app.config["SESSION_COOKIE_NAME"],
                }
            },
        },
        "security": [{"session": []}],
    }


@bp.route("/openapi.json")
def openapi_document():
    """The OpenAPI 3.1 document of this API."""
    return jsonify(build_document())
