"""Who sees which placements (docs/domain.md §2.6): another school's placements never appear in a
school's pages, and a pupil reference never appears to another school, on the public
register, or in the provider edition of a report. Also the school's home page and the
pupils-placed figure of the provider page."""

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from qa_app.placements.provider_counts import pupils_placed_at

TODAY = date.today()
REF = "RIV-7731"  # a reference nothing else on any page could contain


@pytest.fixture
def world(make_user, make_provider, make_visit, make_placement, head_of_access):
    """Riverside's pupil REF (overdue review) and Eastbrook's pupil at the same provider,
    which had a signed-off visit whose registration evidence names REF."""
    riverside = make_user("school", school="Riverside Academy")
    eastbrook = make_user("school", school="Eastbrook High School")
    provider = make_provider(name="Tower Hill Learning Base", registration_status="unregistered")
    ours = make_placement(
        riverside.school,
        provider,
        riverside,
        pupil_ref=REF,
        start_date=(TODAY - timedelta(days=50)).isoformat(),
    )
    theirs = make_placement(eastbrook.school, provider, eastbrook, pupil_ref="EAST-0042")
    evidence = {
        "pupils": [
            {"ref": REF, "hours_per_week": 25, "weeks_per_year": 38, "daytime": True, "main_education": True}
        ],
        "sites": ["1 Tower Hill"],
    }
    visit = make_visit(provider, rag="amber", reviewer=head_of_access(), registration_evidence=evidence)
    return {
        "riverside": riverside,
        "eastbrook": eastbrook,
        "provider": provider,
        "ours": ours,
        "theirs": theirs,
        "visit": visit,
    }


def test_another_schools_placements_never_appear_in_a_schools_pages(client, signed_in, world):
    """Eastbrook's list, home page and filtered lists never show Riverside's pupil."""
    signed_in(world["eastbrook"])
    provider, school = world["provider"].id, world["riverside"].school_id
    for url in (
        "/placements",
        "/home",
        f"/placements?provider_id={provider}",
        f"/placements?school_id={school}",
        "/placements?due=any",
        "/placements?due=review",
    ):
        page = client.get(url).get_data(as_text=True)
        if url in ("/placements", f"/placements?provider_id={provider}"):
            assert "EAST-0042" in page, url
        assert REF not in page and "Riverside Academy" not in page, url


def test_a_pupil_reference_never_appears_to_another_school(client, signed_in, world):
    """Nor on the register, the provider page, the provider's exports or the report."""
    signed_in(world["eastbrook"])
    provider = world["provider"].id
    for url in ("/providers", f"/providers/{provider}", "/providers/export.csv", "/escalations/report"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert REF.encode() not in response.data and b"EAST-0042" not in response.data, url
    assert b"Pupils placed here" not in client.get(f"/providers/{provider}").data


def test_a_pupil_reference_never_appears_on_the_public_register(client, world):
    """Signed out, the public register shows the provider and nothing of its pupils."""
    page = client.get("/register").get_data(as_text=True)
    assert "Tower Hill Learning Base" in page
    assert REF not in page and "EAST-0042" not in page
    assert "Pupils placed here" not in page


def _pdf_text(data):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_pupil_reference_never_appears_in_the_provider_edition(client, signed_in, world):
    """The provider edition of the provider's report, read by the school and by the Head of
    Access, never carries a pupil's reference."""
    url = f"/visits/{world['visit'].uuid}/report.pdf?edition=provider"
    for who in (world["eastbrook"], world["riverside"], "head_of_access"):
        signed_in(who)
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = _pdf_text(response.data)
        assert "Tower Hill Learning Base" in text
        assert REF not in text and "EAST-0042" not in text
        client.post("/logout")


def test_the_school_home_shows_placements_and_what_is_due(client, signed_in, world):
    """`/` takes school staff to their home: open placements, what is overdue, the register."""
    signed_in(world["riverside"])
    assert client.get("/").headers["Location"] == "/home"
    page = client.get("/home").get_data(as_text=True)
    assert "Riverside Academy" in page and "1 pupil in alternative provision" in page
    assert REF in page and "Review overdue: 1" in page and "EAST-0042" not in page
    assert 'href="/providers"' in page and 'href="/placements"' in page
    assert '<a class="govuk-service-navigation__link" href="/placements">Placements</a>' in page


def test_the_home_says_when_nothing_is_due(client, signed_in, world):
    """Eastbrook's one placement is in order: the home page says nothing is overdue."""
    signed_in(world["eastbrook"])
    page = client.get("/home").get_data(as_text=True)
    assert "Nothing is overdue" in page and "EAST-0042" not in page


def test_officers_see_how_many_pupils_from_how_many_schools(client, signed_in, world, make_placement):
    """The provider page says 2 pupils from 2 schools to officers and the Head of Access;
    an ended placement is not counted."""
    make_placement(
        world["riverside"].school,
        world["provider"],
        world["riverside"],
        pupil_ref="RIV-0001",
        end={"date": (TODAY - timedelta(days=1)).isoformat(), "destination": "special_school"},
    )
    for role in ("officer", "head_of_access"):
        signed_in(role)
        page = client.get(f"/providers/{world['provider'].id}").get_data(as_text=True)
        assert "2 pupils from 2 schools placed here now" in page, role
        assert REF not in page
        client.post("/logout")
    signed_in("admin")
    assert b"Pupils placed here" not in client.get(f"/providers/{world['provider'].id}").data


def test_pupils_placed_at_is_one_query(world, count_queries):
    """The figure is one query, whatever the number of placements."""
    provider_id = world["provider"].id
    with count_queries() as statements:
        assert pupils_placed_at(provider_id) == (2, 2)
    assert len(statements) == 1


def test_the_home_is_for_school_staff(client, signed_in):
    """Officers, the Head of Access and administrators have their own home pages."""
    for role in ("officer", "head_of_access", "admin"):
        signed_in(role)
        assert client.get("/home").status_code == 403
        client.post("/logout")
