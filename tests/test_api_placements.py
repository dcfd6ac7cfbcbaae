"""The placements API: PUT with Idempotency-Key and If-Match, GET one, GET the list scoped to
the caller at a constant number of queries, and the school_id in a school user's session."""

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from qa_app.api.receipts import SyncReceipt
from qa_app.extensions import db
from qa_app.placements.models import Placement, PlacementConflict
from tests.factories import placement_body


@pytest.fixture
def setting(make_user, make_provider):
    """A school user, another school's user, and a provider never visited (so a reason is given)."""
    school_user = make_user("school", school="Riverside Academy")
    other_user = make_user("school", school="Hillside School")
    return {"user": school_user, "other": other_user, "provider": make_provider()}


def put(client, placement_uuid, body, key=None, version=None):
    headers = {"Idempotency-Key": key or str(uuid.uuid4())}
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return client.put(f"/api/placements/{placement_uuid}", json=body, headers=headers)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_school_users_session_carries_its_school(client, signed_in, setting):
    signed_in(setting["user"])
    assert client.get("/api/session").get_json()["user"]["school_id"] == setting["user"].school_id


def test_create_read_retry_and_update(client, signed_in, setting):
    signed_in(setting["user"])
    body = placement_body(setting["user"].school, setting["provider"])
    placement_uuid, key = str(uuid.uuid4()), str(uuid.uuid4())
    created = put(client, placement_uuid, body, key)
    assert created.status_code == 201 and created.headers["ETag"] == '"1"'
    data = created.get_json()
    assert data["pupil_ref"] == body["pupil_ref"] and data["hours_per_week"] == 25 and data["version"] == 1
    assert data["provider_status_when_placed"] == "not_quality_assured" and data["end"] is None
    assert client.get(f"/api/placements/{placement_uuid}").get_json() == data
    # The same key and body: the stored answer, no second placement; another body: 422.
    again = put(client, placement_uuid, body, key)
    assert again.status_code == 201 and again.get_json() == data and count(Placement) == 1
    assert put(client, placement_uuid, {**body, "year_group": 11}, key).status_code == 422
    # Changing it needs If-Match; the server's answer can be sent back as it is.
    assert put(client, placement_uuid, {**data, "year_group": 11}).status_code == 428
    updated = put(client, placement_uuid, {**data, "year_group": 11}, version=1)
    assert updated.status_code == 200 and updated.get_json()["version"] == 2
    assert db.session.get(SyncReceipt, key).record_uuid == placement_uuid


def test_a_stale_version_is_409_and_the_copy_is_kept(client, signed_in, setting):
    signed_in(setting["user"])
    body = placement_body(setting["user"].school, setting["provider"])
    placement_uuid = str(uuid.uuid4())
    put(client, placement_uuid, body)
    put(client, placement_uuid, {**body, "year_group": 11}, version=1)
    stale = put(client, placement_uuid, {**body, "objectives": "An old copy"}, version=1)
    assert stale.status_code == 409
    answer = stale.get_json()
    assert answer["current"]["version"] == 2 and answer["conflict_id"]
    assert db.session.get(PlacementConflict, answer["conflict_id"]).payload["objectives"] == "An old copy"


def test_bad_input_is_400_with_field_paths_and_nothing_saved(client, signed_in, setting):
    signed_in(setting["user"])
    review = {"review_date": date.today().isoformat(), "sessions_possible": 10, "sessions_attended": 11}
    body = placement_body(
        setting["user"].school,
        setting["provider"],
        pupil_ref="John Smith",
        reviews=[review],
        placing_reason="",
    )
    answer = put(client, uuid.uuid4(), body)
    assert answer.status_code == 400
    assert "never a name" in answer.get_json()["fields"]["pupil_ref"]
    body["pupil_ref"] = "Y10-001"
    fields = put(client, uuid.uuid4(), body).get_json()["fields"]
    assert set(fields) == {"reviews[0].sessions_attended", "placing_reason"}
    assert count(Placement) == 0 and count(SyncReceipt) == 0


def test_another_schools_placement_is_404_and_unlisted(client, signed_in, make_placement, setting, login):
    theirs = make_placement(setting["other"].school, setting["provider"])
    mine = make_placement(setting["user"].school, setting["provider"])
    signed_in(setting["user"])
    assert client.get(f"/api/placements/{theirs.uuid}").status_code == 404
    body = placement_body(setting["other"].school, setting["provider"], pupil_ref=theirs.pupil_ref)
    assert put(client, theirs.uuid, body, version=1).status_code == 404
    listed = client.get("/api/placements").get_json()["placements"]
    assert [p["uuid"] for p in listed] == [mine.uuid]
    assert client.get(f"/api/placements?school_id={theirs.school_id}").get_json() == {"placements": []}


def test_the_list_filters_and_stays_at_constant_queries(
    client, signed_in, make_placement, make_provider, setting, count_queries
):
    other_provider = make_provider()
    school, other = setting["user"].school, setting["other"].school
    ended = {"date": date.today().isoformat(), "destination": "post_16"}
    made = [make_placement(school, setting["provider"]), make_placement(other, other_provider)]
    made.append(make_placement(school, other_provider, end=ended))
    signed_in("head_of_access")  # every school's placements (an officer sees their own scope)

    def uuids(query):
        return {p["uuid"] for p in client.get(f"/api/placements{query}").get_json()["placements"]}

    assert uuids("") == {p.uuid for p in made}
    assert uuids(f"?provider_id={other_provider.id}&open=true") == {made[1].uuid}
    assert uuids(f"?school_id={school.id}&open=false") == {made[2].uuid}
    assert client.get("/api/placements?school_id=x").status_code == 400
    assert client.get("/api/placements?open=maybe").status_code == 400

    def queries():
        with count_queries() as statements:
            client.get("/api/placements")
        return len(statements)

    few = queries()
    start = date.today() - timedelta(days=60)
    for n in range(12):
        make_placement(other, other_provider, start_date=(start + timedelta(days=n)).isoformat())
    assert queries() == few


def test_admins_may_not_use_it(client, signed_in, setting):
    signed_in("admin")
    assert client.get("/api/placements").status_code == 403
    body = placement_body(setting["user"].school, setting["provider"])
    assert put(client, uuid.uuid4(), body).status_code == 403
