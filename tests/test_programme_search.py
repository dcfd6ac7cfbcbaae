"""The programme's search by school or provider name, its pages, and its SQL count as the
authority grows (docs/domain.md §2.7)."""

import pytest

from qa_app.auth.models import School
from qa_app.extensions import db
from qa_app.framework.services import load_default_framework


@pytest.fixture
def officer(app, make_user):
    load_default_framework("school")
    db.session.commit()
    return make_user("officer", name="Lena Officer")


def school_of(officer, name, make_user):
    """A school (with a staff user) whose link officer is `officer`."""
    staff = make_user("school", school=name)
    school = db.session.get(School, staff.school_id)
    school.officer_id = officer.id
    db.session.commit()
    return school


def test_the_search_finds_providers_and_schools_by_name(client, login, officer, make_user, make_provider):
    """Words in the name, any case, find the officer's providers and schools; others are left out."""
    make_provider(name="Riverside Learning Hub", officer_id=officer.id)
    make_provider(name="Hilltop Tuition", officer_id=officer.id)
    school_of(officer, "Riverside Academy", make_user)
    school_of(officer, "Oakfield School", make_user)
    login(officer)
    page = client.get("/programme?q=+riverside++").get_data(as_text=True)
    assert "Search by school or provider name" in page and 'value="riverside"' in page
    assert "1 provider and 1 school with &ldquo;riverside&rdquo; in their name" in page
    assert "Riverside Learning Hub" in page and "Riverside Academy" in page
    assert "Hilltop Tuition" not in page and "Oakfield School" not in page
    assert "Clear the search" in page


def test_the_search_takes_percent_and_underscore_as_themselves(client, login, officer, make_provider):
    """A % or _ in the words is matched as typed, never as a wildcard."""
    make_provider(name="100% Futures", officer_id=officer.id)
    make_provider(name="Bright Futures", officer_id=officer.id)
    login(officer)
    page = client.get("/programme?q=100%25").get_data(as_text=True)
    assert "100% Futures" in page and "Bright Futures" not in page
    assert "0 providers and 0 schools" in client.get("/programme?q=_").get_data(as_text=True)


def test_an_officer_searching_never_finds_another_officers_providers(
    client, login, officer, make_user, make_provider
):
    """The search is within the officer's own programme."""
    make_provider(name="Shared Name Centre", officer_id=make_user("officer").id)
    login(officer)
    page = client.get("/programme?q=Shared").get_data(as_text=True)
    assert "0 providers and 0 schools" in page and "Shared Name Centre</a>" not in page


def test_the_schools_are_paged_and_the_search_kept_in_the_links(
    client, login, officer, make_user, monkeypatch
):
    """More schools than a page: the next page of them, the words kept in its link."""
    from qa_app.visits import programme

    monkeypatch.setattr(programme, "SCHOOLS_LIMIT", 2)
    for name in ("Alder School", "Beech School", "Cedar School", "Other Academy"):
        school_of(officer, name, make_user)
    login(officer)
    page = client.get("/programme?q=School").get_data(as_text=True)
    assert "Schools 1 to 2 of 3" in page and "Cedar School" not in page
    assert 'href="/programme?q=School&amp;schools_page=2"' in page
    second = client.get("/programme?q=School&schools_page=2").get_data(as_text=True)
    assert "Cedar School" in second and "Alder School" not in second and "Other Academy" not in second


def test_a_page_past_the_end_or_not_a_number_shows_no_error(client, login, officer, make_provider):
    """A page number out of range is an empty page; one that is not a number is the first."""
    make_provider(name="Only Place", officer_id=officer.id)
    login(officer)
    assert client.get("/programme?page=99999999").status_code == 200
    assert "Only Place" in client.get("/programme?page=abc").get_data(as_text=True)
    assert client.get("/programme?q=" + "x" * 500).status_code == 200


def test_the_search_takes_the_same_queries_for_few_and_many(
    client, login, officer, make_user, make_provider, make_placement, count_queries
):
    """Searching the programme runs the same SQL for 2 providers and schools as for 25 of
    each, a page of each shown, with placements at providers of concern."""
    login(officer)

    def run():
        with count_queries() as queries:
            answer = client.get("/programme?q=Match")
            assert answer.status_code == 200
        return len(queries), answer.get_data(as_text=True)

    counts = []
    for wanted in (2, 25):
        while db.session.scalar(db.select(db.func.count()).select_from(School)) < wanted:
            n = db.session.scalar(db.select(db.func.count()).select_from(School))
            school = school_of(officer, f"Match School {n}", make_user)
            provider = make_provider(
                name=f"Match Place {n}", officer_id=officer.id, registration_status="unregistered"
            )
            make_placement(school, provider)
        count, page = run()
        counts.append(count)
    assert f"{wanted} providers and {wanted} schools" in page
    assert counts[0] == counts[1], counts
