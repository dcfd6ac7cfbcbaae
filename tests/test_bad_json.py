"""Bad JSON to the sync API: a clear 4xx with the field named, never a 500, and nothing
half-written (issue 11, "Bad input that is still a 500": JSON)."""

import json
import uuid
from unittest import mock

import pytest
from pydantic import ValidationError
from sqlalchemy.orm.exc import StaleDataError

from qa_app.api.receipts import SyncReceipt
from qa_app.extensions import db
from qa_app.schemas import NOT_UNICODE, field_errors
from qa_app.visits.models import Visit, VisitConflict
from qa_app.visits.schemas import Judgement
from tests.test_api import full_visit, put


@pytest.fixture
def provider(make_provider):
    return make_provider()


def count(model):
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def raw_put(client, visit_uuid, data, **headers):
    """PUT a raw JSON text (json= cannot send lone surrogates or deep nesting)."""
    return client.put(
        f"/api/visits/{visit_uuid}",
        data=data,
        content_type="application/json",
        headers={"Idempotency-Key": str(uuid.uuid4()), **headers},
    )


@pytest.mark.parametrize(
    "override, path",
    [
        ('"strengths": "ok \\ud800 then"', "strengths"),
        ('"theme_notes": {"SG": "\\udfff"}', "theme_notes.SG"),
        ('"why": {"SG": ["\\ud83d"]}', "why.SG[0]"),
        ('"officer": "\\ud800"', "officer"),
        ('"theme_rag": {"\\ud800": 1}', "theme_rag"),
    ],
)
def test_a_lone_surrogate_is_a_field_error(client, signed_in, provider, override, path):
    """Half of a UTF-16 pair anywhere in the body is refused, naming where; nothing is saved."""
    signed_in("officer")
    text = json.dumps(full_visit(provider.id))[:-1] + ", " + override + "}"
    response = raw_put(client, uuid.uuid4(), text)
    assert response.status_code == 400, response.get_json()
    assert "lone surrogate" in response.get_json()["fields"][path]
    assert count(Visit) == 0


def test_the_text_type_refuses_a_lone_surrogate():
    """The pydantic text type says so itself, wherever a model is read."""
    with pytest.raises(ValidationError) as refused:
        Judgement.model_validate({"criterion": "SG1", "rating": "met", "evidence": "\ud800"})
    assert field_errors(refused.value) == {"evidence": NOT_UNICODE}


@pytest.mark.parametrize("value", ['"²"', '"3x"', '"-1"', "W/", '"3", "4"', '"٣"'])
def test_if_match_takes_only_ascii_digits(client, signed_in, provider, value):
    """An If-Match that is not a version is a 400 with a message."""
    signed_in("officer")
    visit_uuid = str(uuid.uuid4())
    assert put(client, visit_uuid, full_visit(provider.id)).status_code == 201
    response = put(client, visit_uuid, full_visit(provider.id), **{"If-Match": value})
    assert response.status_code == 400 and "If-Match" in response.get_json()["message"]


def test_a_version_too_big_for_the_column_is_still_a_kept_conflict(client, signed_in, provider):
    """A version no column holds is not the stored one: the caller's copy is kept (409)."""
    signed_in("officer")
    visit_uuid = str(uuid.uuid4())
    assert put(client, visit_uuid, full_visit(provider.id)).status_code == 201
    response = put(
        client, visit_uuid, full_visit(provider.id, strengths="Mine"), version="99999999999999999999"
    )
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["conflict_id"] == db.session.scalar(db.select(VisitConflict.id))
    assert db.session.scalar(db.select(Visit.strengths)) == "Calm, purposeful classrooms"


@pytest.mark.parametrize("depth", [10_000, 100_000])
def test_json_nested_too_deep_is_malformed(client, signed_in, depth):
    """JSON nested deeper than the parser goes is malformed JSON, not a 500."""
    signed_in("officer")
    response = raw_put(client, uuid.uuid4(), "[" * depth + "]" * depth)
    assert response.status_code == 400 and response.get_json()["error"] == "malformed_json"


def test_json_nested_deep_inside_a_field_is_refused(client, signed_in, provider):
    """Deep nesting the parser takes is still only a field error."""
    signed_in("officer")
    text = json.dumps(full_visit(provider.id))[:-1] + ', "why": ' + "[" * 900 + "]" * 900 + "}"
    response = raw_put(client, uuid.uuid4(), text)
    assert response.status_code in (200, 201, 400), response.data[:300]
    assert response.status_code != 500


@pytest.mark.parametrize("written", ["{%s}", "urn:uuid:%s", "%s"])
def test_a_uuid_in_braces_names_the_same_visit(client, signed_in, provider, written):
    """{uuid} and urn:uuid:... name the visit by its canonical form: never a second visit."""
    signed_in("officer")
    visit_uuid = str(uuid.uuid4())
    first = put(client, written % visit_uuid.upper(), full_visit(provider.id))
    assert first.status_code == 201 and first.get_json()["uuid"] == visit_uuid
    again = put(client, written % visit_uuid, full_visit(provider.id, strengths="More"), version=1)
    assert again.status_code == 200, again.get_json()
    assert count(Visit) == 1
    assert set(db.session.scalars(db.select(SyncReceipt.record_uuid))) == {visit_uuid}
    assert client.get(f"/api/visits/{{{visit_uuid}}}").get_json()["strengths"] == "More"


@pytest.mark.parametrize("key", ["١٢", "12a", "", "1" * 19, "²"])
def test_action_outcomes_keys_must_be_ascii_action_ids(client, signed_in, provider, key):
    """Only an action id in ASCII digits keys action_outcomes."""
    signed_in("officer")
    response = put(client, uuid.uuid4(), full_visit(provider.id, action_outcomes={key: "done"}))
    assert response.status_code == 400
    [(path, message)] = response.get_json()["fields"].items()
    assert path.startswith("action_outcomes") and message == "must be keyed by an action id"
    assert count(Visit) == 0


def test_a_put_that_loses_a_race_is_a_conflict(client, signed_in, provider):
    """A save beaten by another request in the same moment is a 409 and keeps nothing."""
    signed_in("officer")
    visit_uuid = str(uuid.uuid4())
    assert put(client, visit_uuid, full_visit(provider.id)).status_code == 201
    with mock.patch("qa_app.visits.saving.check_visit", side_effect=StaleDataError("changed")):
        response = put(client, visit_uuid, full_visit(provider.id, strengths="Mine"), version=1)
    assert response.status_code == 409 and response.get_json()["error"] == "conflict"
    assert count(SyncReceipt) == 1


def test_a_sign_off_that_loses_a_race_is_a_conflict(client, signed_in, provider, make_visit):
    """A sign-off beaten by another is a 409 in the API's shape."""
    visit = make_visit(provider, status="submitted")
    signed_in("head_of_access")
    with mock.patch("qa_app.visits.services.refresh_rating", side_effect=StaleDataError("changed")):
        response = client.post(f"/api/visits/{visit.uuid}/sign-off")
    assert response.status_code == 409 and response.get_json()["error"] == "conflict"
    assert db.session.get(Visit, visit.id).status == "submitted"


def test_nul_in_json_text_is_dropped(client, signed_in, provider):
    """A NUL in JSON text is a control character the text type drops, on either database."""
    signed_in("officer")
    response = put(client, uuid.uuid4(), full_visit(provider.id, strengths="a\u0000b"))
    assert response.status_code == 201 and response.get_json()["strengths"] == "ab"


@pytest.mark.parametrize("provider_id", [99999999999999999999, 2**31, -1, "1"])
def test_a_provider_id_the_database_cannot_hold_is_a_field_error(client, signed_in, provider_id):
    """provider_id is bounded by the Integer column it is looked up in."""
    signed_in("officer")
    response = put(client, uuid.uuid4(), full_visit(provider_id))
    assert response.status_code == 400 and "provider_id" in response.get_json()["fields"]
    assert count(Visit) == 0
