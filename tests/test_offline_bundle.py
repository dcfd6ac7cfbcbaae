"""The offline bundle is the size of the officer's work: only the placements their open and
upcoming school visits check, in the same number of queries whatever the authority holds,
gzip-compressed, with a strong ETag so that an unchanged bundle is a 304."""

import gzip
import json
import uuid
from datetime import date, timedelta

from qa_app.auth.models import School
from qa_app.extensions import db
from qa_app.framework.services import load_default_framework
from qa_app.placements.models import Placement
from tests.factories import save

BUNDLE = "/api/offline-bundle"


def school_of(officer, name):
    """A school whose link officer is `officer`."""
    school = School(name=name, officer_id=officer.id)
    db.session.add(school)
    db.session.commit()
    return school


def school_visit(officer, school, status="draft", days_ago=0):
    """A school visit saved through the real save path, then set to `status` and its date."""
    load_default_framework("school")
    body = {"school_id": school.id, "visit_date": date.today().isoformat(), "status": "draft"}
    visit, _ = save(officer, str(uuid.uuid4()), body)
    visit.status, visit.visit_date = status, date.today() - timedelta(days=days_ago)
    db.session.commit()
    return visit


def listed_uuids(bundle):
    """Every placement the bundle lists, on a school or on a visit."""
    return {p["uuid"] for s in bundle["schools"] for p in s["placements"]} | {
        p["uuid"] for v in bundle["visits"] for p in v.get("placements") or []
    }


def test_the_bundle_is_gzipped_with_a_strong_etag_and_unchanged_is_304(client, signed_in, make_provider):
    officer = signed_in("officer")
    make_provider(officer_id=officer.id)
    plain = client.get(BUNDLE)
    zipped = client.get(BUNDLE, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.status_code == 200 and zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"] and "Content-Encoding" not in plain.headers
    assert json.loads(gzip.decompress(zipped.data)) == plain.get_json()
    assert len(zipped.data) * 4 < len(plain.data)
    tag = zipped.headers["ETag"]
    assert tag.startswith('"') and tag != plain.headers["ETag"]  # strong, one per coding

    again = client.get(BUNDLE, headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
    assert client.get(BUNDLE, headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304

    make_provider(officer_id=officer.id, name="Lane AP")  # the officer's work changed
    changed = client.get(BUNDLE, headers={"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert "Lane AP" in gzip.decompress(changed.data).decode()


def test_the_bundle_carries_exactly_the_placements_its_school_visits_check(
    client, signed_in, make_user, make_provider, make_placement
):
    """Open placements and those ended since the school's last signed-off visit, of the
    schools the officer visits; nothing of an earlier end, nor of another officer's school."""
    officer = make_user("officer")
    school = school_of(officer, "Hill School")
    elsewhere = school_of(make_user("officer"), "Other School")
    provider = make_provider(officer_id=officer.id)
    start = (date.today() - timedelta(days=200)).isoformat()

    def ended(days_ago):
        end = {"date": (date.today() - timedelta(days=days_ago)).isoformat(), "destination": "post_16"}
        return make_placement(school, provider, start_date=start, end=end)

    open_one, recent, old = make_placement(school, provider), ended(20), ended(120)
    theirs = make_placement(elsewhere, provider, pupil_ref="ZZ-ELSEWHERE")
    school_visit(officer, school, status="signed_off", days_ago=60)
    school_visit(officer, school)
    signed_in(officer)

    response = client.get(BUNDLE)
    bundle = response.get_json()
    assert listed_uuids(bundle) == {open_one.uuid, recent.uuid}
    assert old.uuid not in response.text and theirs.uuid not in response.text
    assert "ZZ-ELSEWHERE" not in response.text and "Other School" not in response.text


def test_the_bundle_costs_the_same_queries_with_few_and_many_placements(
    client, signed_in, make_user, make_provider, make_placement, count_queries
):
    """No query per placement, school or batch of them: the reviews' last date is read in
    the query that lists the placements."""
    officer = make_user("officer")
    schools = [school_of(officer, f"School {n}") for n in range(2)]
    provider = make_provider(officer_id=officer.id)
    make_placement(
        schools[0],
        provider,
        reviews=[{"review_date": date.today().isoformat(), "sessions_possible": 10, "sessions_attended": 9}],
    )
    school_visit(officer, schools[0])
    signed_in(officer)

    def measured():
        client.get(BUNDLE)  # the first since the server started reads the frameworks
        with count_queries() as queries:
            bundle = client.get(BUNDLE).get_json()
        return len(queries), len(listed_uuids(bundle))

    few = measured()
    start = date.today() - timedelta(days=30)
    db.session.add_all(
        Placement(
            uuid=str(uuid.uuid4()),
            school_id=schools[n % 2].id,
            provider_id=provider.id,
            pupil_ref=f"P{n:04d}",
            year_group=10,
            reason="suspension",
            start_date=start,
            planned_end_date=start + timedelta(days=90),
            days_per_week=5,
            hours_per_week=25,
            created_by_id=officer.id,
        )
        for n in range(1200)
    )
    db.session.commit()
    many = measured()
    assert few[1] == 1 and many[1] == 1201
    assert few[0] == many[0], (few, many)


def test_two_builds_of_an_unchanged_bundle_give_the_same_bytes_and_etag(
    client, signed_in, make_user, make_provider, make_placement
):
    """The bundle's keys are not sorted: the order it is built in is fixed, so the same
    work gives the same bytes, and so the same ETag, from one request (and session) to
    the next."""
    officer = make_user("officer")
    school = school_of(officer, "Hill School")
    provider = make_provider(officer_id=officer.id)
    make_placement(school, provider)
    school_visit(officer, school, status="signed_off", days_ago=60)
    school_visit(officer, school)
    save(officer, str(uuid.uuid4()), {"provider_id": provider.id, "visit_date": date.today().isoformat()})
    db.session.commit()
    signed_in(officer)

    first = client.get(BUNDLE, headers={"Accept-Encoding": "gzip"})
    db.session.expire_all()
    second = client.get(BUNDLE, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == second.status_code == 200
    assert first.headers["ETag"] == second.headers["ETag"] and first.data == second.data
    bundle = json.loads(gzip.decompress(first.data))
    assert len(bundle["visits"]) == 2 and bundle["schools"][0]["placements"]
    assert bundle["framework"] == bundle["frameworks"][bundle["framework"]["name"]]
