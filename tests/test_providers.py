"""Providers: the form's rules, duplicates, the register's search, filters, sort, pages
and query count, the provider page, and the public register."""

from datetime import date, timedelta

import pytest

from qa_app.extensions import db
from qa_app.postcodes import normalise_postcode
from qa_app.providers.models import Provider
from qa_app.providers.search import qa_status_sql
from tests.factories import provider_data, version_on_page


def count_providers():
    return db.session.scalar(db.select(db.func.count(Provider.id)))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sw1a1aa", "SW1A 1AA"),
        (" br1  3pl ", "BR1 3PL"),
        ("N17 6DE", "N17 6DE"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("GIR 0AA", "GIR 0AA"),
        ("BR1", None),
        ("12345", None),
        ("QQ1 1AA", None),
        ("SW1A 1AAA", None),
        ("", None),
    ],
)
def test_postcode_rules(text, expected):
    """UK postcodes are recognised and written the standard way."""
    assert normalise_postcode(text) == expected


def test_officer_adds_a_provider(client, signed_in):
    """A valid form saves the provider with a tidied postcode and its services."""
    signed_in("officer")
    data = provider_data(name="Bridges  Learning Centre", postcode="br1 1aa")
    response = client.post("/providers/new", data=data)
    assert response.status_code == 302
    provider = db.session.scalar(db.select(Provider))
    assert provider.name == "Bridges Learning Centre"
    assert provider.postcode == "BR1 1AA"
    assert provider.service_codes == ["ks4", "semh"]


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "", b"Enter the provider&#39;s name"),
        ("postcode", "NOT A POSTCODE", b"Enter a real UK postcode"),
        ("contact_email", "not-an-email", b"Enter an email address in the correct format"),
        ("registration_status", "made_up", b"Not a valid choice"),
        ("services", "underwater", b"not a valid choice"),
    ],
)
def test_bad_provider_input_is_shown_and_nothing_saved(client, signed_in, field, value, message):
    """A form with errors re-renders with an error summary, keeps the input, saves nothing."""
    signed_in("officer")
    data = provider_data(**{"name": "Kept Name", field: value})
    response = client.post("/providers/new", data=data)
    assert response.status_code == 400
    assert b"There is a problem" in response.data and message in response.data
    if field != "name":
        assert b"Kept Name" in response.data
    assert count_providers() == 0


def test_registered_provider_needs_a_urn(client, signed_in):
    """A registered independent school without a URN is refused; with one it is saved."""
    signed_in("officer")
    data = provider_data(registration_status="registered_independent", urn="")
    response = client.post("/providers/new", data=data)
    assert response.status_code == 400 and b"Enter the URN" in response.data
    data["urn"] = "12AB"
    assert b"Enter a URN of 6 or 7 digits" in client.post("/providers/new", data=data).data
    data["urn"] = "123456"
    assert client.post("/providers/new", data=data).status_code == 302
    assert db.session.scalar(db.select(Provider.urn)) == "123456"


@pytest.mark.parametrize("ukprn", ["1234567", "20012345", "1001234X", "100123456"])
def test_a_ukprn_is_8_digits_starting_with_1(client, signed_in, ukprn):
    """A UKPRN that is not 8 digits from 1 is refused with a message; nothing is saved."""
    signed_in("officer")
    response = client.post("/providers/new", data=provider_data(ukprn=ukprn))
    assert response.status_code == 400 and b"Enter a UKPRN of 8 digits, starting with 1" in response.data
    assert count_providers() == 0


def test_the_urn_and_ukprn_show_on_the_register_and_the_provider_page(client, signed_in):
    """Both identifiers, as the placements CSV takes them, are where the URN was."""
    signed_in("officer")
    data = provider_data(registration_status="ofsted_registered", urn="ey123456", ukprn=" 10012345 ")
    assert client.post("/providers/new", data=data).status_code == 302
    provider = db.session.scalar(db.select(Provider))
    assert (provider.urn, provider.ukprn) == ("EY123456", "10012345")
    register = client.get("/providers").data.decode()
    assert "URN EY123456 · UKPRN 10012345" in register
    page = client.get(f"/providers/{provider.id}").data.decode()
    assert "URN and UKPRN" in page and "URN EY123456 · UKPRN 10012345" in page


def test_urn_dropped_when_not_registered(client, signed_in):
    """A URN typed for an unregistered provider is not kept."""
    signed_in("officer")
    client.post("/providers/new", data=provider_data(registration_status="unregistered", urn="123456"))
    assert db.session.scalar(db.select(Provider.urn)) == ""


def test_likely_duplicate_is_flagged_before_saving(client, signed_in, make_provider):
    """Same name and postcode: a warning first, saved only when the officer confirms."""
    signed_in("officer")
    existing = make_provider(name="Horizon Academy", postcode="E6 2JA")
    data = provider_data(name="horizon  ACADEMY", postcode="e62ja")
    response = client.post("/providers/new", data=data)
    assert response.status_code == 400
    assert b"This looks like a provider already on the register" in response.data
    assert f"/providers/{existing.id}".encode() in response.data
    assert count_providers() == 1
    response = client.post("/providers/new", data={**data, "confirm_duplicate": "y"})
    assert response.status_code == 302 and count_providers() == 2


def test_editing_a_provider_is_not_a_duplicate_of_itself(client, signed_in, make_provider):
    """Saving a provider unchanged does not flag it as its own duplicate."""
    signed_in("officer")
    provider = make_provider(name="Cedar House", postcode="W3 6RS")
    data = provider_data(name="Cedar House", postcode="W3 6RS", borough="Westmere")
    data["version"] = version_on_page(client, f"/providers/{provider.id}/edit")
    response = client.post(f"/providers/{provider.id}/edit", data=data)
    assert response.status_code == 302
    assert db.session.get(Provider, provider.id).borough == "Westmere"


def test_unknown_provider_is_a_404_page(client, signed_in):
    """An unknown id is a 404 page in the service's style."""
    signed_in("officer")
    response = client.get("/providers/99999")
    assert response.status_code == 404 and b"Page not found" in response.data


@pytest.fixture
def register(make_provider, make_visit):
    """Providers covering every QA status and RAG."""
    made = {
        "green": make_provider(name="Green Valley", borough="Riverside", services=["ks3"]),
        "amber": make_provider(name="Amber Court", borough="Northgate", services=["vocational"]),
        "red": make_provider(name="Red Lion Centre", borough="Riverside", postcode="N17 6DE"),
        "expired": make_provider(name="Old Mill", borough="Eastbrook", registration_status="unregistered"),
        "never": make_provider(name="New Start", borough="Eastbrook"),
        "suspended": make_provider(name="Paused Place", borough="Westmere"),
    }
    make_visit(made["green"], "green", days_ago=30)
    make_visit(made["amber"], "amber", days_ago=60)
    make_visit(made["red"], "red", days_ago=5)
    make_visit(made["expired"], "green", days_ago=400)
    make_visit(made["suspended"], "green", days_ago=20)
    made["suspended"].suspended_reason = "Open escalation"
    db.session.commit()
    return made


def names(response):
    """Provider names in the order the register shows them."""
    import re

    return re.findall(r'font-weight-bold" href="/providers/\d+">([^<]+)</a>', response.data.decode())


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=valley", ["Green Valley"]),
        ("q=n176de", ["Red Lion Centre"]),
        ("q=N17 6DE", ["Red Lion Centre"]),
        ("qa_status=quality_assured", ["Amber Court", "Green Valley"]),
        ("qa_status=not_quality_assured", ["New Start", "Red Lion Centre"]),
        ("qa_status=expired", ["Old Mill"]),
        ("qa_status=suspended", ["Paused Place"]),
        ("rag=red", ["Red Lion Centre"]),
        ("rag=none", ["New Start"]),
        ("borough=Riverside", ["Green Valley", "Red Lion Centre"]),
        ("registration_status=unregistered", ["Old Mill"]),
        ("service=vocational", ["Amber Court"]),
        ("borough=Riverside&rag=green", ["Green Valley"]),
        (
            "rag=purple",
            ["Amber Court", "Green Valley", "New Start", "Old Mill", "Paused Place", "Red Lion Centre"],
        ),
    ],
)
def test_register_filters(client, signed_in, register, query, expected):
    """Search by name or postcode and each filter select the right providers."""
    signed_in("officer")
    response = client.get(f"/providers?{query}")
    assert response.status_code == 200
    assert names(response) == expected


def test_register_sorts(client, signed_in, register):
    """Sorting by RAG puts Red first; by next visit, never-visited first."""
    signed_in("officer")
    by_rag = names(client.get("/providers?sort=rag"))
    assert by_rag[0] == "Red Lion Centre" and by_rag[-1] == "New Start"
    assert names(client.get("/providers?sort=next_due"))[0] == "New Start"
    assert names(client.get("/providers?sort=qa_status"))[0] == "Paused Place"


def test_register_shows_status_and_rag_as_words(client, signed_in, register):
    """QA status and RAG are tags with words, never colour alone."""
    signed_in("officer")
    page = client.get("/providers?q=red+lion").data
    assert b"Not quality assured</strong>" in page and b">Red</strong>" in page


def test_register_pages(client, signed_in, make_provider, app):
    """Providers past the page size are on the next page."""
    signed_in("officer")
    app.config["REGISTER_PAGE_SIZE"] = 2
    for n in range(5):
        make_provider(name=f"Provider {n}")
    first, third = client.get("/providers"), client.get("/providers?page=3")
    assert names(first) == ["Provider 0", "Provider 1"] and b"page 1 of 3" in first.data
    assert names(third) == ["Provider 4"]
    assert names(client.get("/providers?page=99")) == []


def test_register_query_count_does_not_grow(client, signed_in, make_provider, make_visit, count_queries):
    """The register page runs the same few queries for 3 providers as for 40."""
    signed_in("officer")

    def run():
        with count_queries() as queries:
            assert client.get("/providers?borough=Riverside&sort=rag").status_code == 200
        return len(queries)

    for _ in range(3):
        make_visit(make_provider(), "amber")
    few = run()
    for _ in range(37):
        make_visit(make_provider(), "green")
    assert run() == few <= 6


def test_sql_qa_status_agrees_with_python(register, make_provider):
    """The register's SQL QA status is the same as the rule function for every provider,
    including a rating whose framework set no validity (expired, never quality assured)."""
    odd = make_provider(name="No Validity")
    odd.rating_rag, odd.rating_visit_date = "green", date.today()
    db.session.commit()
    today = date.today()
    rows = db.session.execute(db.select(Provider, qa_status_sql(today))).all()
    assert len(rows) == 7
    for provider, status in rows:
        assert status == provider.qa_status(today)[0]


def test_provider_page_shows_history_and_reason(client, signed_in, register, make_visit):
    """The provider page shows QA status with its reason and each visit's theme RAGs."""
    signed_in("officer")
    provider = register["amber"]
    make_visit(provider, "red", days_ago=400)
    page = client.get(f"/providers/{provider.id}").data.decode()
    assert "Quality assured" in page and "Amber rating valid until" in page
    assert page.count('<abbr title="Safeguarding">SG</abbr>') == 1
    assert page.index("Amber</strong>") < page.index(">Red</strong>")  # newest first


def test_school_users_see_no_internal_detail(client, signed_in, register):
    """Schools see the provider page without internal notes or the reason for a suspension."""
    signed_in("school")
    page = client.get(f"/providers/{register['suspended'].id}").data.decode()
    assert "Suspended" in page
    assert "Open escalation" not in page and "Internal" not in page and "lead has left" not in page


def test_unsigned_visits_are_hidden_from_schools(client, signed_in, make_provider, make_visit):
    """A draft visit is listed for staff but not for school users, and never rates the provider."""
    provider = make_provider()
    make_visit(provider, "red", status="draft")
    assert db.session.get(Provider, provider.id).rating_rag is None
    signed_in("school")
    assert b"No visits yet" in client.get(f"/providers/{provider.id}").data


def test_public_register_shows_only_public_fields(client, register):
    """The public page shows name, borough, QA status and last visit date, nothing else."""
    page = client.get("/register").data.decode()
    assert "Green Valley" in page and "Riverside" in page and "Quality assured" in page
    for hidden in ("Open escalation", "lead has left", "BR1 1AA", "Alex Morgan", "office@provider", ">Red<"):
        assert hidden not in page
    assert "Red Lion Centre" in client.get("/register?qa_status=not_quality_assured").data.decode()


def test_public_register_can_be_switched_off(make_app):
    """With PUBLIC_REGISTER_ENABLED off, /register is a 404."""
    client = make_app(PUBLIC_REGISTER_ENABLED=False).test_client()
    assert client.get("/register").status_code == 404


def test_qa_status_expires_with_time(register):
    """A Green rating from 30 days ago expires once its 12 months are over."""
    provider = register["green"]
    assert provider.qa_status(date.today())[0] == "quality_assured"
    assert provider.qa_status(date.today() + timedelta(days=340))[0] == "expired"


def test_provider_page_query_count_does_not_grow(client, signed_in, make_provider, make_visit, count_queries):
    """The provider page runs the same queries with 1 visit as with 8 (one of them the history)."""
    signed_in("officer")
    provider = make_provider()
    url = f"/providers/{provider.id}"

    def run():
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    make_visit(provider, "amber")
    one = run()
    for days in range(7):
        make_visit(provider, "green", days_ago=20 + days, officer=None)
    # 6, plus the pupils placed there now, their attendance by term (from the daily marks'
    # totals and from reviews: a query each), and the latest signed-off visit's judgements by
    # national standard area.
    assert run() == one <= 10
