"""The programme's lists of open visits and the sign-off queue stay the same size however
many visits are open: the newest few of each state with how many there are, the queue a
page at a time, and the same SQL count for 1 open visit as for 30, for each role."""

import pytest

from qa_app.visits import programme
from qa_app.visits.review import QUEUE_PAGE_SIZE


@pytest.fixture
def officer(make_user):
    return make_user("officer", name="Lena Officer")


def _open(make_provider, make_visit, officer, n, status):
    for i in range(n):
        make_visit(
            make_provider(name=f"Open {status} {i:02d}"), status=status, officer=officer, days_ago=1 + i
        )


def test_the_programme_lists_the_newest_visits_of_each_state(
    client, signed_in, officer, make_provider, make_visit, monkeypatch
):
    """With 5 shown, 7 in progress: the 5 newest listed and 'The newest 5 of 7'; the Head's
    awaiting sign-off list leads to the queue."""
    monkeypatch.setattr(programme, "VISITS_SHOWN", 5)
    _open(make_provider, make_visit, officer, 7, "draft")
    _open(make_provider, make_visit, officer, 6, "submitted")
    signed_in("head_of_access")
    page = client.get("/programme").get_data(as_text=True)
    drafts = page[page.index("Visits in progress") : page.index("Awaiting sign-off")]
    assert "The newest 5 of 7." in drafts
    assert "Open draft 00" in drafts and "Open draft 04" in drafts and "Open draft 05" not in drafts
    submitted = page[page.index("Awaiting sign-off") :]
    assert "The newest 5 of 6." in submitted and 'href="/sign-off"' in submitted


def test_an_officer_continues_their_own_visit_beyond_the_newest(
    client, login, officer, make_provider, make_visit, monkeypatch
):
    """The programme's Continue visit link comes from the officer's own open visits, not from
    the newest listed: an older draft still offers it on its provider's row."""
    monkeypatch.setattr(programme, "VISITS_SHOWN", 1)
    old = make_provider(name="Old Draft Provider", officer_id=officer.id)
    draft = make_visit(old, status="draft", officer=officer, days_ago=30)
    make_visit(make_provider(name="Newer Draft Provider"), status="draft", officer=officer, days_ago=1)
    login(officer)
    page = client.get("/programme").get_data(as_text=True)
    row = page[page.rindex("Old Draft Provider</a>") :].split("</tr>")[0]
    assert f"/visits/{draft.uuid}" in row and "Continue visit" in row


def test_the_sign_off_queue_comes_a_page_at_a_time(client, signed_in, officer, make_provider, make_visit):
    _open(make_provider, make_visit, officer, QUEUE_PAGE_SIZE + 2, "submitted")
    signed_in("head_of_access")
    first = client.get("/sign-off").get_data(as_text=True)
    assert f"{QUEUE_PAGE_SIZE + 2} visits awaiting sign-off" in first and "page 1 of 2" in first
    assert first.count("Open submitted") == QUEUE_PAGE_SIZE
    # Oldest submitted first: the first made is on the first page, the last on the second.
    second = client.get("/sign-off?page=2").get_data(as_text=True)
    assert "Open submitted 00" in first and "Open submitted 00" not in second
    assert second.count("Open submitted") == 2 and f"Open submitted {QUEUE_PAGE_SIZE + 1}" in second


@pytest.mark.parametrize(
    ("role", "url"),
    [("officer", "/programme"), ("head_of_access", "/programme"), ("head_of_access", "/sign-off")],
)
def test_the_same_queries_for_1_and_30_open_visits(
    client, login, officer, make_user, make_provider, make_visit, count_queries, role, url
):
    user = officer if role == "officer" else make_user("head_of_access")
    for status in ("draft", "submitted", "returned"):
        _open(make_provider, make_visit, officer, 1, status)
    login(user)

    def run():
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    few = run()
    for status in ("draft", "submitted", "returned"):
        _open(make_provider, make_visit, officer, 9, status)
    assert run() == few


def test_the_escalations_come_a_page_at_a_time_and_search(client, signed_in, make_provider, make_escalation):
    """27 open concerns: 25 on the first page, 2 on the second; a search by provider or address."""
    from qa_app.escalations.routes import PAGE_SIZE

    for i in range(PAGE_SIZE + 1):
        make_escalation(address=f"Unit {i}, Mill Lane")
    make_escalation(make_provider(name="Back Room Tutors"))
    signed_in("head_of_access")
    first = client.get("/escalations").get_data(as_text=True)
    rows = lambda page: page.count("Mill Lane") + page.count("Back Room Tutors")  # noqa: E731
    assert f"{PAGE_SIZE + 2} escalations" in first and rows(first) == PAGE_SIZE
    second = client.get("/escalations?page=2").get_data(as_text=True)
    assert "page 2 of 2" in second and rows(second) == 2
    found = client.get("/escalations?q=back+room").get_data(as_text=True)
    assert "Back Room Tutors" in found and "Mill Lane" not in found
    found = client.get("/escalations?q=unit+7,").get_data(as_text=True)
    assert "1 escalation matching" in found and "Unit 7, Mill Lane" in found


@pytest.mark.parametrize("role", ["officer", "head_of_access"])
def test_the_escalations_take_the_same_queries_for_1_and_30(
    client, login, make_user, make_provider, make_escalation, count_queries, role
):
    user = make_user(role)
    reporter = user if role == "officer" else None
    make_escalation(make_provider(), reporter=reporter)
    login(user)

    def run():
        with count_queries() as statements:
            assert client.get("/escalations?state=all").status_code == 200
        return len(statements)

    few = run()
    for _ in range(29):
        make_escalation(make_provider(), reporter=reporter)
    assert run() == few
