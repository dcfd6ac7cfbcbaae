"""Which placements an officer sees and changes: those at their providers (the providers
they are assigned to) and at the schools they visit (as link officer), on every page, the
API, the CSV exports, attendance by school and the offline bundle; the Head of Access all."""

import csv
import io
import json
import uuid

import pytest

from qa_app.extensions import db
from tests.factories import placement_body


@pytest.fixture
def world(make_user, make_provider, make_placement):
    """An officer who visits Riverside and looks after Tower Hill, and three placements:
    at Riverside with another officer's provider, at Eastbrook with Tower Hill, and at
    Eastbrook with another officer's provider (outside the officer's scope)."""
    officer = make_user("officer")
    other_officer = make_user("officer")
    riverside = make_user("school", school="Riverside Academy").school
    eastbrook = make_user("school", school="Eastbrook High School").school
    riverside.officer = officer
    eastbrook.officer = other_officer
    ours = make_provider(name="Tower Hill Learning Base")
    theirs = make_provider(name="Canal Side Centre")
    ours.officer, theirs.officer = officer, other_officer
    db.session.commit()
    return {
        "officer": officer,
        "riverside": riverside,
        "eastbrook": eastbrook,
        "ours": ours,
        "theirs": theirs,
        "by_school": make_placement(riverside, theirs, pupil_ref="SCOPE-SCHOOL"),
        "by_provider": make_placement(eastbrook, ours, pupil_ref="SCOPE-PROVIDER"),
        "outside": make_placement(eastbrook, theirs, pupil_ref="SCOPE-OUTSIDE"),
    }


def test_the_api_lists_only_the_officers_scope(client, signed_in, world):
    signed_in(world["officer"])
    refs = {p["pupil_ref"] for p in client.get("/api/placements").get_json()["placements"]}
    assert refs == {"SCOPE-SCHOOL", "SCOPE-PROVIDER"}
    by_school = client.get(f"/api/placements?school_id={world['eastbrook'].id}").get_json()
    assert [p["pupil_ref"] for p in by_school["placements"]] == ["SCOPE-PROVIDER"]


@pytest.mark.parametrize("name, code", [("by_school", 200), ("by_provider", 200), ("outside", 404)])
def test_pages_and_api_of_one_placement_follow_the_scope(client, signed_in, world, name, code):
    signed_in(world["officer"])
    placement = world[name]
    for url in (
        f"/placements/{placement.uuid}",
        f"/placements/{placement.uuid}/edit",
        f"/placements/{placement.uuid}/reviews/new",
        f"/placements/{placement.uuid}/end",
        f"/api/placements/{placement.uuid}",
    ):
        assert client.get(url).status_code == code, url


def test_an_officer_cannot_put_a_placement_outside_their_scope(client, signed_in, world):
    """The stale-proof PUT of another school's placement at another officer's provider is a 404."""
    signed_in(world["officer"])
    outside = world["outside"]
    body = placement_body(world["eastbrook"], world["theirs"], pupil_ref="CHANGED", placing_reason="Needed")
    headers = {"Idempotency-Key": str(uuid.uuid4()), "If-Match": f'"{outside.version}"'}
    answer = client.put(f"/api/placements/{outside.uuid}", json=body, headers=headers)
    assert answer.status_code == 404
    db.session.refresh(outside)
    assert outside.pupil_ref == "SCOPE-OUTSIDE"
    # Nor may the officer record a new one there.
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    answer = client.put(f"/api/placements/{uuid.uuid4()}", json=body, headers=headers)
    assert answer.status_code == 403 and "your providers" in answer.get_json()["message"]


def test_the_list_page_and_csv_exports_keep_to_the_scope(client, signed_in, world):
    signed_in(world["officer"])
    page = client.get("/placements").get_data(as_text=True)
    assert "SCOPE-SCHOOL" in page and "SCOPE-PROVIDER" in page and "SCOPE-OUTSIDE" not in page
    pupils = client.get("/placements/pupils-in-ap.csv").get_data(as_text=True)
    refs = {row[0] for row in csv.reader(io.StringIO(pupils))} | set(pupils.split(","))
    assert "SCOPE-OUTSIDE" not in pupils and "SCOPE-SCHOOL" in pupils and "SCOPE-PROVIDER" in pupils, refs


def test_attendance_by_school_counts_only_the_scope(client, signed_in, world, make_placement):
    """Eastbrook's attendance for this officer is of the pupil at their provider only."""
    signed_in(world["officer"])
    eastbrook = world["eastbrook"].id
    page = client.get(f"/placements/attendance.csv?school_id={eastbrook}").get_data(as_text=True)
    signed_in("head_of_access")
    everything = client.get(f"/placements/attendance.csv?school_id={eastbrook}").get_data(as_text=True)
    # Both placements start today with no review: the pupils counted differ, not the rates.
    assert page.count("\n") <= everything.count("\n")
    from qa_app.placements.models import Placement
    from qa_app.placements.scopes import attendance_scope

    scope = attendance_scope(world["officer"], school_id=eastbrook)
    refs = set(db.session.scalars(db.select(Placement.pupil_ref).where(scope.condition)))
    assert refs == {"SCOPE-PROVIDER"}


def test_the_head_of_access_sees_every_placement(client, signed_in, world):
    signed_in("head_of_access")
    refs = {p["pupil_ref"] for p in client.get("/api/placements").get_json()["placements"]}
    assert {"SCOPE-SCHOOL", "SCOPE-PROVIDER", "SCOPE-OUTSIDE"} <= refs


def test_the_offline_bundle_holds_only_placements_in_scope(client, signed_in, world, make_school_visit):
    """A draft school visit kept after the school changed link officer lists none of that
    school's placements at another officer's provider."""
    officer, eastbrook = world["officer"], world["eastbrook"]
    other_officer = eastbrook.officer
    eastbrook.officer = officer
    db.session.commit()
    make_school_visit(eastbrook, status="draft", officer=officer)
    eastbrook.officer = other_officer
    db.session.commit()
    signed_in(officer)
    bundle = json.dumps(client.get("/api/offline-bundle").get_json())
    assert "SCOPE-SCHOOL" in bundle
    assert "SCOPE-OUTSIDE" not in bundle
