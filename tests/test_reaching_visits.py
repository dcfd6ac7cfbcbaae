"""Easy to reach, and one open visit at a time (issue 10, parts 4 and 6): the programme and
the menu lead to the officer's visits; an officer with an open visit to a provider is sent
on to it instead of starting a second; school staff and admins never land on a visit form."""

import re
import uuid

import pytest

from qa_app.extensions import db
from qa_app.visits.models import Visit
from tests.test_visits import start_visit

SECTIONS = (
    "",
    "/details",
    "/themes/SG",
    "/strengths",
    "/actions",
    "/previous-actions",
    "/registration",
    "/check",
)


@pytest.fixture
def officer(make_user):
    """The officer whose providers the tests visit."""
    return make_user("officer", name="Priya Shah")


@pytest.fixture
def provider(make_provider, officer):
    return make_provider(name="Bridges Learning Centre", officer_id=officer.id)


def visits_to(provider):
    """How many visits the provider has."""
    return db.session.scalar(db.select(db.func.count(Visit.id)).where(Visit.provider_id == provider.id))


@pytest.mark.parametrize("status", ["draft", "returned"])
def test_the_start_page_sends_an_officer_to_the_open_visit(
    client, signed_in, officer, provider, make_visit, status
):
    """With a draft or returned visit open, the start page links to it and has no form to start another."""
    open_visit = make_visit(provider, officer=officer, status=status)
    signed_in(officer)
    page = client.get(f"/providers/{provider.id}/visits/new").data.decode()
    assert "You already have a visit to Bridges Learning Centre in progress" in page
    assert f'href="/visits/{open_visit.uuid}"' in page and "Start the visit" not in page


def test_a_second_open_visit_is_refused(client, signed_in, officer, provider, make_visit):
    """Posting the start form when a visit is open (a second tab) saves nothing: save_visit
    refuses it with the open visit's uuid, and the page goes on to that visit and says why."""
    open_visit = make_visit(provider, officer=officer, status="draft")
    signed_in(officer)
    response = start_visit(client, provider)
    assert response.status_code == 302 and response.headers["Location"] == f"/visits/{open_visit.uuid}"
    page = client.get(response.headers["Location"]).data.decode()
    assert "You already have a visit to Bridges Learning Centre in progress" in page
    assert visits_to(provider) == 1


def test_a_replayed_start_goes_to_the_visit_it_made(client, signed_in, officer, provider):
    """The same start posted twice (a double click) makes one visit and lands on it both times."""
    signed_in(officer)
    visit_uuid = str(uuid.uuid4())
    assert start_visit(client, provider, uuid=visit_uuid).headers["Location"] == f"/visits/{visit_uuid}"
    assert start_visit(client, provider, uuid=visit_uuid).headers["Location"] == f"/visits/{visit_uuid}"
    assert visits_to(provider) == 1


def test_a_submitted_visit_or_another_officers_draft_does_not_block_a_start(
    client, signed_in, officer, provider, make_visit
):
    """Only the officer's own draft or returned visit counts as open."""
    make_visit(provider, officer=officer, status="submitted")
    make_visit(provider, status="draft")  # another officer's
    signed_in(officer)
    assert start_visit(client, provider).status_code == 302
    assert visits_to(provider) == 3


def test_the_programme_continues_the_open_visit(
    client, signed_in, officer, provider, make_provider, make_visit
):
    """A provider with the officer's open visit says "Continue visit" and links to it; others "Start a visit"."""
    open_visit = make_visit(provider, officer=officer, status="draft", days_ago=1)
    other = make_provider(name="Hillside Tuition", officer_id=officer.id)
    signed_in(officer)
    page = client.get("/programme").data.decode()
    row = page[page.index("Bridges Learning Centre</a><br>") :].split("</tr>")[0]
    assert f'href="/visits/{open_visit.uuid}">Continue visit' in row and "Start a visit" not in row
    row = page[page.index(f"{other.name}</a><br>") :].split("</tr>")[0]
    assert f'href="/providers/{other.id}/visits/new">Start a visit' in row


def test_the_head_of_access_continues_only_her_own_visits(client, signed_in, provider, make_visit, make_user):
    """The Head of Access sees every provider, but "Continue visit" only for a visit of hers."""
    make_visit(provider, status="draft")  # an officer's draft
    signed_in("head_of_access")
    page = client.get("/programme").data.decode()
    row = page[page.index("Bridges Learning Centre</a><br>") :].split("</tr>")[0]
    assert "Start a visit" in row and "Continue visit" not in row


def test_the_programme_runs_the_same_queries_for_1_and_20_providers(
    client, signed_in, officer, make_provider, make_visit, count_queries
):
    """Continue or start is decided for every row without a query per provider."""
    signed_in(officer)

    def run():
        with count_queries() as queries:
            assert client.get("/programme").status_code == 200
        return len(queries)

    counts = []
    for wanted in (1, 20):
        while db.session.scalar(db.select(db.func.count()).select_from(Visit)) < wanted:
            make_visit(make_provider(officer_id=officer.id), officer=officer, status="draft", days_ago=1)
        counts.append(run())
    page = client.get("/programme").data.decode()
    assert page.count("Continue visit") == 20
    assert counts[0] == counts[1], counts


def test_your_visits_lists_the_officers_visits_newest_first(
    client, signed_in, officer, provider, make_provider, make_visit
):
    """Your visits: drafts, returned and submitted, newest first, each linked; not signed off, not others'."""
    older = make_visit(make_provider(name="Older Place"), officer=officer, status="submitted", days_ago=30)
    returned = make_visit(
        make_provider(name="Returned Place"), officer=officer, status="returned", days_ago=20
    )
    draft = make_visit(provider, officer=officer, status="draft", days_ago=2)
    signed = make_visit(make_provider(name="Signed Place"), officer=officer, status="signed_off", days_ago=5)
    make_visit(make_provider(name="Someone Else's"), status="draft")
    signed_in(officer)
    page = client.get("/visits").data.decode()
    links = re.findall(r'href="/visits/([0-9a-f-]{36})"', page)
    # The signed-off visit is linked only from the note that tells the officer of its sign-off.
    assert [link for link in links if link != signed.uuid] == [draft.uuid, returned.uuid, older.uuid]
    assert "Returned to you for changes" in page and "Awaiting sign-off" in page
    assert "Someone Else" not in page
    assert "signed off by" in page  # the note, not the list, names the signed-off visit


def test_officers_have_your_visits_in_the_menu(client, signed_in, officer):
    """The menu leads an officer to Your visits (the Head of Access finds hers in the programme)."""
    signed_in(officer)
    assert 'href="/visits">Your visits</a>' in client.get("/programme").data.decode()
    client.post("/logout")
    signed_in("head_of_access")
    assert "Your visits" not in client.get("/programme").data.decode()


@pytest.mark.parametrize("role", ["school", "admin"])
def test_school_staff_and_admins_never_land_on_a_visit_form(client, signed_in, provider, make_visit, role):
    """Every page of a visit is 403 for them (never a form), and their home and menu link to none."""
    visit = make_visit(provider, status="draft")
    signed_in(role)
    for section in SECTIONS:
        response = client.get(f"/visits/{visit.uuid}{section}")
        assert response.status_code in (403, 404), section
        assert b'<form method="post" novalidate' not in response.data
    assert client.get(f"/providers/{provider.id}/visits/new").status_code == 403
    home = client.get("/", follow_redirects=True).data.decode()
    assert not re.search(r'href="/(visits|programme)|/visits/new', home), "a visit link on their home"
    assert "Your visits" not in home and "Start a visit" not in home
    provider_page = client.get(f"/providers/{provider.id}").data.decode()
    assert "/visits/new" not in provider_page and f"/visits/{visit.uuid}/" not in provider_page


def test_another_officers_visit_is_never_a_form(client, signed_in, provider, make_visit):
    """An officer opening another officer's visit gets 404 from every page of it."""
    visit = make_visit(provider, status="draft")
    signed_in("officer")
    for section in SECTIONS:
        assert client.get(f"/visits/{visit.uuid}{section}").status_code == 404, section


def test_the_head_of_access_is_sent_from_an_officers_form_to_the_record(
    client, signed_in, provider, make_visit
):
    """The Head of Access opening an officer's draft form is sent to the read-only visit page."""
    visit = make_visit(provider, status="draft")
    signed_in("head_of_access")
    for section in SECTIONS[1:]:
        response = client.get(f"/visits/{visit.uuid}{section}")
        assert response.status_code == 302 and response.headers["Location"] == f"/visits/{visit.uuid}", (
            section
        )
