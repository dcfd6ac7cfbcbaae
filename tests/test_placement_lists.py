"""`/placements`: a school's own list and the authority's view, who sees which pupil
references, and a constant number of SQL queries from 10 to 10,000 placements."""

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import insert

from qa_app.extensions import db
from qa_app.placements.models import Placement, PlacementReview

TODAY = date.today()


@pytest.fixture
def world(make_user, make_provider, make_visit, make_placement, head_of_access):
    """Two schools; a quality-assured registered provider and an unregistered one never
    visited; placements of both schools, open and ended, one with a review overdue."""
    riverside = make_user("school", school="Riverside Academy")
    eastbrook = make_user("school", school="Eastbrook High School")
    good = make_provider(
        name="Bridges Learning Centre", registration_status="ofsted_registered", urn="123456"
    )
    make_visit(good, rag="green", reviewer=head_of_access())
    risky = make_provider(name="Tower Hill Learning Base", registration_status="unregistered")
    placements = {
        "RIV-001": make_placement(riverside.school, good, riverside, pupil_ref="RIV-001", looked_after=True),
        "RIV-002": make_placement(
            riverside.school,
            risky,
            riverside,
            pupil_ref="RIV-002",
            ehc_plan=True,
            reason="permanent_exclusion",
            start_date=(TODAY - timedelta(days=60)).isoformat(),
            planned_end_date=(TODAY + timedelta(days=30)).isoformat(),
        ),
        "RIV-003": make_placement(
            riverside.school,
            good,
            riverside,
            pupil_ref="RIV-003",
            end={"date": (TODAY - timedelta(days=2)).isoformat(), "destination": "home_school_full_time"},
        ),
        "EAST-01": make_placement(
            eastbrook.school, risky, eastbrook, pupil_ref="EAST-01", commissioned_by="local_authority"
        ),
    }
    return {"riverside": riverside, "eastbrook": eastbrook, "good": good, "risky": risky, **placements}


def test_a_school_sees_only_its_own_placements(client, signed_in, world):
    """Open first, with what is due; another school's pupils never appear."""
    signed_in(world["riverside"])
    page = client.get("/placements").get_data(as_text=True)
    assert "Riverside Academy" in page and "Your school&#39;s placements" in page
    assert page.index("RIV-002") < page.index("RIV-003")  # open before ended
    assert "RIV-001" in page and "EAST-01" not in page and "Eastbrook" not in page
    assert "Review overdue" in page  # RIV-002 started 60 days ago with no review
    assert "Providers of concern" not in page
    asked = client.get(f"/placements?school_id={world['eastbrook'].school_id}").get_data(as_text=True)
    assert "EAST-01" not in asked


def test_the_authority_sees_every_open_placement(client, signed_in, world):
    """The providers of concern counted and named, ended placements left out, the counts by
    reason, commissioner and need, then the pupils, those at providers of concern first."""
    signed_in("head_of_access")
    page = client.get("/placements").get_data(as_text=True)
    for ref in ("RIV-001", "RIV-002", "EAST-01"):
        assert ref in page
    assert "RIV-003" not in page
    table = page[page.index("Providers of concern") : page.index("Every pupil in AP")]
    assert "1 of the 2 providers with open placements is not quality assured" in table
    assert "Tower Hill Learning Base" in table and "Bridges Learning Centre" not in table
    pupils = page[page.index("Every pupil in AP") :]
    assert pupils.index("RIV-002") < pupils.index("RIV-001")  # at a provider of concern first
    assert "3 pupils at 2 providers, from 2 schools" in page
    assert "Permanent exclusion" in page and "The local authority (EA 1996 s.19)" in page
    counts = page[page.index("Pupils who") : page.index("Providers of concern")]
    assert [int(n) for n in __import__("re").findall(r"numeric\">(\d+)<", counts)] == [1, 3, 1]


def test_the_lists_filter_by_provider_school_and_overdue_item(client, signed_in, world):
    """The authority's list narrows to one provider and school, or one overdue item."""
    signed_in("head_of_access")  # every school's placements
    page = client.get(
        f"/placements?provider_id={world['risky'].id}&school_id={world['riverside'].school_id}"
    ).get_data(as_text=True)
    pupils = page[page.index("Every pupil in AP") :]
    assert "RIV-002" in pupils and "RIV-001" not in pupils and "EAST-01" not in pupils
    pupils = client.get("/placements?due=review").get_data(as_text=True).split("Every pupil in AP")[1]
    assert "RIV-002" in pupils and "RIV-001" not in pupils


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("riv-00", {"RIV-001", "RIV-002"}),  # a pupil reference, in any case
        ("eastbrook", {"EAST-01"}),  # a school
        ("TOWER hill", {"RIV-002", "EAST-01"}),  # a provider
        ("%", set()),  # LIKE's wildcards are taken literally
        ("_", set()),
    ],
)
def test_the_authority_searches_by_pupil_school_or_provider(client, signed_in, world, words, found):
    """The search narrows the list, the counts and the providers of concern alike."""
    signed_in("head_of_access")
    page = client.get("/placements", query_string={"q": words}).get_data(as_text=True)
    pupils = page[page.index("Every pupil in AP") :]
    assert {ref for ref in ("RIV-001", "RIV-002", "EAST-01") if ref in pupils} == found
    if found:
        assert f"{len(found)} {'placement' if len(found) == 1 else 'placements'} matching" in pupils
    assert f'value="{words}"' in page  # the box keeps what was searched for


def test_a_school_searches_only_its_own_placements(client, signed_in, world):
    """A school's search never finds another school's pupils, by school name or reference."""
    signed_in(world["riverside"])
    assert "EAST-01" not in client.get("/placements?q=EAST").get_data(as_text=True)
    page = client.get("/placements?q=tower").get_data(as_text=True)
    assert "RIV-002" in page and "RIV-001" not in page and "EAST-01" not in page


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_the_list_is_for_schools_and_the_authority(client, signed_in, world, role):
    """Signed out: the sign-in page; administrators: 403."""
    if role != "anonymous":
        signed_in(role)
    response = client.get("/placements")
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert b"RIV-001" not in response.data


def _bulk_placements(school_id, provider_ids, user_id, n, start_at=0):
    """n placements (and a review for every third) inserted with Core bulk inserts."""
    rows = []
    for i in range(start_at, start_at + n):
        start = TODAY - timedelta(days=10 + i % 120)
        rows.append(
            {
                "uuid": str(uuid.UUID(int=i + 1)),
                "version": 1,
                "school_id": school_id,
                "provider_id": provider_ids[i % len(provider_ids)],
                "pupil_ref": f"B-{i:06d}",
                "year_group": 7 + i % 5,
                "ehc_plan": i % 7 == 0,
                "sen_support": i % 3 == 0,
                "looked_after": i % 11 == 0,
                "commissioned_by": "school",
                "reason": "at_risk_of_exclusion" if i % 2 else "semh_support",
                "start_date": start,
                "planned_end_date": start + timedelta(days=90),
                "days_per_week": 5,
                "hours_per_week": 25.0,
                "part_time": i % 13 == 0,
                "part_time_reason": "Phased return" if i % 13 == 0 else "",
                "part_time_review_date": start + timedelta(days=20) if i % 13 == 0 else None,
                "attendance_code": "B",
                "safeguarding_confirmation_received": start if i % 5 else None,
                "ended_on": start + timedelta(days=30) if i % 9 == 0 else None,
                "created_by_id": user_id,
            }
        )
    db.session.execute(insert(Placement), rows)
    ids = db.session.scalars(db.select(Placement.id).where(Placement.pupil_ref.like("B-%"))).all()
    reviews = [
        {
            "placement_id": pid,
            "review_date": TODAY - timedelta(days=5),
            "sessions_possible": 20,
            "sessions_attended": 18,
            "sessions_unauthorised": 1,
            "decision": "continue",
        }
        for pid in ids[start_at::3]
    ]
    if reviews:
        db.session.execute(insert(PlacementReview), reviews)
    db.session.commit()


def _queries(client, count_queries, url):
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def test_the_lists_take_the_same_queries_at_10_and_10000_placements(
    client, login, make_user, make_provider, count_queries, capsys
):
    """The school's list and the authority's view run the same number of SQL queries with
    10 placements as with 10,000."""
    school_user = make_user("school", school="Riverside Academy")
    head = make_user("head_of_access")
    providers = [
        make_provider(registration_status=s).id for s in ("unregistered", "ofsted_registered", "not_known")
    ]
    _bulk_placements(school_user.school_id, providers, school_user.id, 10)
    login(school_user)
    school_small = _queries(client, count_queries, "/placements")
    client.post("/logout")
    login(head)
    head_small = _queries(client, count_queries, "/placements")
    _bulk_placements(school_user.school_id, providers, school_user.id, 9_990, start_at=10)
    assert db.session.scalar(db.select(db.func.count(Placement.id))) == 10_000
    head_large = _queries(client, count_queries, "/placements")
    client.post("/logout")
    login(school_user)
    school_large = _queries(client, count_queries, "/placements")
    with capsys.disabled():
        print(
            f"\n/placements SQL queries: school {school_small} -> {school_large}, authority {head_small} -> {head_large}"
        )
    assert (school_small, head_small) == (school_large, head_large)


def test_the_authority_pages_run_across_providers_in_order(
    client, login, make_user, make_provider, monkeypatch
):
    """Pages of 4 over 3 providers of 5, 2 and 4 pupils: every placement once, in the list's
    order (providers of concern first, then by provider, school and reference), the total
    right, and a page past the end empty."""
    from qa_app.placements import lists

    monkeypatch.setattr(lists, "PAGE_SIZE", 4)
    school_user = make_user("school", school="Riverside Academy")
    concern = make_provider(name="Zeta Base", registration_status="unregistered")
    alpha = make_provider(name="Alpha Base", registration_status="unregistered")
    other = make_provider(name="Beta Base", registration_status="not_known")
    _bulk_placements(
        school_user.school_id, [concern.id] * 5 + [alpha.id] * 2 + [other.id] * 4, school_user.id, 11
    )
    login(make_user("head_of_access"))
    expected = sorted(
        db.session.execute(
            db.select(Placement.pupil_ref, Placement.provider_id).where(Placement.ended_on.is_(None))
        ).all(),
        key=lambda row: ({alpha.id: 0, other.id: 1, concern.id: 2}[row.provider_id], row.pupil_ref),
    )
    seen = []
    for number in (1, 2, 3):
        page = client.get(f"/placements?page={number}").get_data(as_text=True)
        assert f"{len(expected)} placements, page {number} of 3" in page
        seen += [row.pupil_ref for row in expected if f">{row.pupil_ref}<" in page]
    assert seen == [row.pupil_ref for row in expected]
    past = client.get("/placements?page=9").get_data(as_text=True)
    assert not any(f">{row.pupil_ref}<" in past for row in expected)
