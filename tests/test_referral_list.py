"""`/referrals` a page at a time: the panel's queue and the decided referrals paged apart,
searchable by pupil reference or school, and the same number of SQL queries for a few
referrals as for many, for each role that sees the page."""

import re

import pytest

from qa_app.extensions import db
from qa_app.referrals.lists import PAGE_SIZE
from qa_app.referrals.rules import Decision
from qa_app.referrals.services import decide


@pytest.fixture
def schools(app, make_user):
    """Three schools, each with a member of staff, all visited by one link officer."""
    officer = make_user("officer")
    staff = [
        make_user("school", school=name) for name in ("Riverside Academy", "Eastbrook High", "Northgate")
    ]
    for user in staff:
        user.school.officer = officer
    db.session.commit()
    return {"officer": officer, "staff": staff}


def _add(make_referral, staff, n, decided_by=None, prefix="GW"):
    """n sent referrals spread over the schools; every other one signposted when decided_by is given."""
    made = []
    for i in range(n):
        referral = make_referral(staff[i % len(staff)], pupil_ref=f"{prefix}-{i:03d}", urgent=False)
        if decided_by is not None and i % 2:
            decide(decided_by, referral, Decision("signposted", signposted_to="CAMHS"))
            db.session.commit()
        made.append(referral)
    return made


def _refs(html):
    return re.findall(r">((?:GW|BULK)-\d{3})</a>", html)


def test_the_queue_and_the_decided_come_a_page_at_a_time(client, signed_in, schools, make_referral):
    """The queue's second page follows the first; the decided list keeps its own page."""
    head = signed_in("head_of_access")
    _add(make_referral, schools["staff"], PAGE_SIZE + 5)
    _add(make_referral, schools["staff"], 4, decided_by=head, prefix="BULK")
    first = client.get("/referrals").get_data(as_text=True)
    assert f"{PAGE_SIZE + 7} referrals are waiting" in first
    queue = first[first.index("Waiting for a decision") : first.index("Returned and decided")]
    assert len(_refs(queue)) == PAGE_SIZE and "queue_page=2" in queue
    second = client.get("/referrals?queue_page=2").get_data(as_text=True)
    queue = second[second.index("Waiting for a decision") : second.index("Returned and decided")]
    assert len(_refs(queue)) == 7
    decided = second[second.index("Returned and decided") :]
    assert sorted(_refs(decided)) == ["BULK-001", "BULK-003"]


def test_the_panel_searches_by_pupil_reference_or_school(client, signed_in, schools, make_referral):
    """A reference in any case, or a school's name; LIKE's wildcards are taken literally."""
    signed_in("head_of_access")
    _add(make_referral, schools["staff"], 6)
    page = client.get("/referrals?q=gw-004").get_data(as_text=True)
    assert _refs(page) == ["GW-004"] and "1 referral is waiting" in page
    page = client.get("/referrals?q=eastbrook").get_data(as_text=True)
    assert sorted(_refs(page)) == ["GW-001", "GW-004"]
    assert _refs(client.get("/referrals?q=%25").get_data(as_text=True)) == []


def test_a_school_searches_only_its_own(client, signed_in, schools, make_referral):
    """A school's search never finds another school's referral."""
    _add(make_referral, schools["staff"], 6)
    signed_in(schools["staff"][0])
    assert sorted(_refs(client.get("/referrals").get_data(as_text=True))) == ["GW-000", "GW-003"]
    assert _refs(client.get("/referrals?q=GW-001").get_data(as_text=True)) == []
    assert _refs(client.get("/referrals?q=eastbrook").get_data(as_text=True)) == []


@pytest.mark.parametrize("role", ["school", "officer", "head_of_access"])
def test_the_list_takes_the_same_queries_for_few_and_many(
    client, login, make_user, schools, make_referral, count_queries, role
):
    """The same number of SQL queries with 3 referrals from one school as with 60 from three
    (some decided, more than a page of each list), for each role that sees the page."""
    head = make_user("head_of_access")
    user = {"school": schools["staff"][0], "officer": schools["officer"], "head_of_access": head}[role]
    login(user)

    def run(url):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    _add(make_referral, schools["staff"][:1], 3, decided_by=head)  # one school
    few = [run("/referrals"), run("/referrals?q=riverside")]
    _add(make_referral, schools["staff"], 57, decided_by=head, prefix="BULK")
    many = [run("/referrals"), run("/referrals?q=riverside")]
    assert few == many
