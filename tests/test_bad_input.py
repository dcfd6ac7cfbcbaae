"""Bad input on the HTML pages and in query strings: a clear 4xx message, never a 500,
and nothing half-written (issue 11, "Bad input that is still a 500")."""

import uuid
from datetime import date, timedelta
from unittest import mock

import pytest
from sqlalchemy.orm.exc import StaleDataError

from qa_app.escalations.models import Escalation, EscalationEvent
from qa_app.escalations.services import transition
from qa_app.extensions import db
from qa_app.notifications.models import OutboxEmail
from qa_app.providers.models import Provider
from qa_app.registration.models import RegistrationRules
from qa_app.registration.services import copy_rules
from qa_app.visits.models import Visit
from tests.test_visits import date_parts, start_visit


@pytest.fixture
def officer(make_user):
    """The provider's officer (not signed in: see signed_in)."""
    return make_user("officer")


@pytest.fixture
def provider(make_provider, officer):
    return make_provider(name="Back Room Academy", officer_id=officer.id)


def concern(**fields):
    """A concern report's form data."""
    return {
        "address": "Rear of 12 Station Road",
        "description": "Children arrive at 9 and leave at 3",
        "how_known": "Seen on a visit",
        **fields,
    }


# -- reporting a concern from a visit that already has an escalation ----------------------


def test_a_second_concern_from_a_visit_is_added_to_its_escalation(
    client, signed_in, officer, provider, make_visit, head_of_access
):
    """The officer's second report from one visit is kept on the visit's escalation, and the
    Head of Access is told."""
    head_of_access()
    visit = make_visit(provider, officer=officer, status="draft")
    signed_in(officer)
    first = client.post("/escalations/report", data=concern(visit_uuid=visit.uuid, provider_id=provider.id))
    assert first.status_code == 302
    second = client.post(
        "/escalations/report",
        data=concern(
            visit_uuid=visit.uuid, provider_id=provider.id, description="Now a second room is used too"
        ),
        follow_redirects=True,
    )
    assert second.status_code == 200
    [escalation] = db.session.scalars(db.select(Escalation)).all()
    assert f"added to {escalation.reference}".encode() in second.data
    notes = db.session.scalars(
        db.select(EscalationEvent.reason).where(EscalationEvent.action == "concern")
    ).all()
    assert len(notes) == 1 and "Now a second room is used too" in notes[0]
    subjects = db.session.scalars(db.select(OutboxEmail.subject)).all()
    assert f"Further concern added to escalation {escalation.reference}" in subjects


# -- the registration check's rows ---------------------------------------------------------


# More than 4,300 digits: Python refuses to read such a number at all (a ValueError).
HUGE = "9" * 5000


@pytest.mark.parametrize("rows", ["abc", "3000000", "-1", "²", "1e9", HUGE])
def test_registration_check_rows_are_bounded(client, signed_in, officer, provider, make_visit, rows):
    """A junk or huge row count is a 400 with a message, quickly, and nothing is saved."""
    visit = make_visit(provider, officer=officer, status="draft")
    signed_in(officer)
    response = client.post(
        f"/visits/{visit.uuid}/registration",
        data={"version": visit.version, "rows": rows, "ref-0": "P1", "hours-0": "25"},
    )
    assert response.status_code == 400
    assert b"rows" in response.data.lower()
    assert db.session.get(Visit, visit.id).version == visit.version


def test_registration_check_takes_the_rows_it_shows(client, signed_in, officer, provider, make_visit):
    """The most rows the page can show are still read."""
    visit = make_visit(provider, officer=officer, status="draft")
    signed_in(officer)
    data = {"version": visit.version, "rows": "200", "pupil_count": "1", "ref-199": "P1", "hours-199": "25"}
    response = client.post(f"/visits/{visit.uuid}/registration", data=data)
    assert response.status_code == 302
    assert db.session.get(Visit, visit.id).registration_evidence["pupils"][0]["ref"] == "P1"


# -- NUL bytes ------------------------------------------------------------------------------


def test_nul_in_the_public_register_search_is_a_400(client, make_provider):
    """The public register refuses a NUL byte in the query string with a message."""
    make_provider()
    response = client.get("/register?q=a%00b")
    assert response.status_code == 400 and b"NUL" in response.data


def test_nul_in_a_form_post_is_a_400_and_saves_nothing(client, signed_in, officer, provider):
    """A form post with a NUL byte is refused and nothing is saved."""
    signed_in(officer)
    response = client.post("/escalations/report", data=concern(description="bad\x00text"))
    assert response.status_code == 400 and b"NUL" in response.data
    assert db.session.scalars(db.select(Escalation)).all() == []


def test_nul_in_an_api_query_string_is_a_json_400(client, signed_in):
    """The API answers a NUL byte in the query string in its own JSON shape."""
    signed_in("officer")
    response = client.get("/api/session?x=%00")
    assert response.status_code == 400 and response.get_json()["error"] == "bad_request"


# -- page numbers and ids -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/register", "/providers"])
@pytest.mark.parametrize("page", ["99999999999999999999", "-5", "0"])
def test_page_numbers_are_bounded(client, signed_in, make_provider, path, page):
    """A page far past the end, or below the first, is an empty or first page, not a 500."""
    make_provider()
    signed_in("officer")
    assert client.get(f"{path}?page={page}").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/providers/99999999999999999999/edit",
        "/providers/99999999999999999999",
        "/providers/2147483648/visits/new",
        "/escalations/99999999999999999999",
    ],
)
def test_ids_too_big_for_the_database_are_404(client, signed_in, path):
    """An id larger than the database's integer is simply not found."""
    signed_in("head_of_access")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("provider_id", ["99999999999999999999", "²", "-1", "1.5", HUGE])
def test_a_concern_with_a_junk_provider_id_names_no_provider(client, signed_in, officer, provider_id):
    """The hidden provider id is read only as a database id; anything else names no provider."""
    signed_in(officer)
    assert client.get(f"/escalations/report?provider_id={provider_id}").status_code == 200
    response = client.post("/escalations/report", data=concern(provider_id=provider_id))
    assert response.status_code == 302
    assert db.session.scalar(db.select(Escalation.provider_id)) is None


# -- NaN in number fields ---------------------------------------------------------------------


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-inf"])
def test_nan_hours_in_a_concern_are_refused(client, signed_in, officer, value):
    """NaN, sNaN and infinities are not numbers of hours."""
    signed_in(officer)
    response = client.post("/escalations/report", data=concern(estimated_hours=value))
    assert response.status_code == 400 and b"hours a week" in response.data
    assert db.session.scalars(db.select(Escalation)).all() == []


@pytest.mark.parametrize("field", ["full_time_hours_over", "borderline_hours_from"])
@pytest.mark.parametrize("value", ["NaN", "sNaN"])
def test_nan_in_the_registration_rules_is_refused(client, signed_in, field, value):
    """The registration rules form refuses NaN and sNaN in its hour thresholds."""
    signed_in("admin")
    draft = copy_rules(db.session.scalar(db.select(RegistrationRules)), "2027")
    db.session.commit()
    data = {
        "title": "Education Act 1996 s.4",
        "institution": "Independent educational institution",
        "full_time_hours_over": "18",
        "borderline_hours_from": "15",
        "full_time_weeks_from": "26",
        "pupil_threshold": "5",
        "statuses": "ehc_plan,looked_after",
        field: value,
    }
    response = client.post(f"/admin/registration-rules/{draft.id}", data=data)
    assert response.status_code == 400 and b"Enter a number" in response.data


# -- one visit, two requests ----------------------------------------------------------------


def test_starting_a_visit_twice_with_one_uuid_goes_to_the_visit(client, signed_in, officer, provider):
    """A replayed start (a double click, a retry) opens the visit it made, once."""
    signed_in(officer)
    visit_uuid = str(uuid.uuid4())
    assert start_visit(client, provider, uuid=visit_uuid).status_code == 302
    again = start_visit(client, provider, uuid=visit_uuid)
    assert again.status_code == 302 and again.headers["Location"] == f"/visits/{visit_uuid}"
    assert db.session.scalar(db.select(db.func.count(Visit.id))) == 1


def test_starting_with_another_officers_uuid_is_refused(client, signed_in, provider, make_visit):
    """A uuid already used by another officer's visit is a clear refusal, not a 500."""
    visit = make_visit(provider, status="draft")
    signed_in("officer")
    response = start_visit(client, provider, uuid=visit.uuid)
    assert response.status_code in (400, 409)
    assert db.session.scalar(db.select(db.func.count(Visit.id))) == 1


def test_a_parallel_save_of_a_page_is_a_conflict_message(client, signed_in, officer, provider, make_visit):
    """When another request changed the visit in the same moment, the page says so (409)."""
    visit = make_visit(provider, officer=officer, status="draft")
    signed_in(officer)
    with mock.patch("qa_app.visits.saving.check_visit", side_effect=StaleDataError("changed")):
        response = client.post(
            f"/visits/{visit.uuid}/strengths",
            data={"version": visit.version, "strengths": "Calm rooms", "pupil_voice": ""},
        )
    assert response.status_code in (302, 409)
    followed = client.get(response.headers["Location"]) if response.status_code == 302 else response
    assert b"changed by someone else at the same time" in followed.data


def test_a_parallel_sign_off_is_a_conflict_message(client, signed_in, provider, make_visit):
    """A sign-off that lost a race with another is a clear 409, not a 500."""
    visit = make_visit(provider, status="submitted")
    signed_in("head_of_access")
    with mock.patch("qa_app.visits.services.refresh_rating", side_effect=StaleDataError("changed")):
        response = client.post(
            f"/visits/{visit.uuid}/sign-off", data={"version": visit.version, "confirmed": "y"}
        )
    assert response.status_code == 409 and b"at the same time" in response.data
    assert db.session.get(Visit, visit.id).status == "submitted"


def test_an_overflowing_number_anywhere_is_a_400(client, signed_in, officer, provider):
    """A number too big for the database is refused with a message (the central net)."""
    signed_in(officer)
    data = {
        "uuid": str(uuid.uuid4()),
        "visit_date": date_parts(date.today() - timedelta(days=1)),
        "visit_type": "scheduled",
        "people_met": "",
        "pupils_seen": "99999999999999999999",
    }
    response = client.post(f"/providers/{provider.id}/visits/new", data=data)
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(Visit.id))) == 0
    assert db.session.get(Provider, provider.id) is not None


@pytest.mark.parametrize("field", ["qa_status", "rag", "borough", "registration_status", "service", "sort"])
def test_a_blank_looking_register_filter_is_any(client, make_provider, field):
    """A filter of only spaces (which Optional() lets through unchecked) means "any"."""
    make_provider()
    assert client.get(f"/register?{field}=%20").status_code == 200


def test_a_concern_from_a_visit_whose_escalation_is_closed_is_a_new_escalation(
    client, signed_in, officer, provider, make_visit, head_of_access
):
    """A closed escalation takes no further steps, so a new concern starts its own."""
    head = head_of_access()
    visit = make_visit(provider, officer=officer, status="draft")
    signed_in(officer)
    client.post("/escalations/report", data=concern(visit_uuid=visit.uuid, provider_id=provider.id))
    [first] = db.session.scalars(db.select(Escalation)).all()
    for to_state, extra in (
        ("under_review", {}),
        ("no_further_action", {}),
        ("closed", {"outcome": "Not a school"}),
    ):
        transition(head, first, to_state, "Reviewed", **extra)
    db.session.commit()
    client.post(
        "/escalations/report",
        data=concern(visit_uuid=visit.uuid, provider_id=provider.id, description="Now 12 children"),
    )
    escalations = db.session.scalars(db.select(Escalation).order_by(Escalation.id)).all()
    assert len(escalations) == 2 and escalations[1].state == "raised"
    assert escalations[1].description == "Now 12 children" and first.reference in escalations[1].how_known


def test_a_huge_school_id_in_the_placements_api_is_a_json_400(client, signed_in):
    signed_in("officer")
    for name in ("school_id", "provider_id"):
        response = client.get(f"/api/placements?{name}={HUGE}")
        assert response.status_code == 400 and name in response.get_json()["message"]


@pytest.mark.parametrize("next_page", ["/programme%0d%0aSet-Cookie:%20x=1", "/programme%0aX", "/%0d/evil"])
def test_cr_or_lf_in_next_signs_in_to_the_home_page(client, make_user, next_page):
    """A `next` with a line break is no place to go: the user lands on their home page."""
    from tests.factories import PASSWORD

    user = make_user("officer")
    response = client.post(f"/login?next={next_page}", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/programme"
    assert "\r" not in response.headers["Location"] and "\n" not in response.headers["Location"]
