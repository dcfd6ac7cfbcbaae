"""The placement pages: placing a pupil (provider first, with the check before placing),
the record, a review and the end; GOV.UK errors with nothing half-written; another
school's placement is a 404."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from qa_app.extensions import db
from qa_app.notifications.models import OutboxEmail
from qa_app.placements.models import Placement
from tests.factories import clear_outbox

TODAY = date.today()
START = TODAY - timedelta(days=20)


def parts(day):
    return [str(day.day), str(day.month), str(day.year)]


def form_data(**overrides):
    data = {
        "pupil_ref": "Y10-017",
        "year_group": "10",
        "sen_support": "y",
        "commissioned_by": "school",
        "reason": "at_risk_of_exclusion",
        "start_date": parts(START),
        "planned_end_date": parts(START + timedelta(days=90)),
        "days_per_week": "5",
        "hours_per_week": "25",
        "weeks_per_year": "38",
        "daytime": "y",
        "main_education": "y",
        "attendance_code": "B",
        "safeguarding_confirmation_received": parts(START - timedelta(days=3)),
        "objectives": "Back to full time by Easter",
        "part_time_review_date": ["", "", ""],
    }
    data.update(overrides)
    return data


@pytest.fixture
def setting(make_user, make_provider, make_visit):
    head = make_user("head_of_access", email="head.pages@example.org")
    officer = make_user("officer", email="officer.pages@example.org")
    good = make_provider(name="Greenway Centre", registration_status="ofsted_registered", urn="654321")
    make_visit(good, rag="green", reviewer=head)
    clear_outbox()
    unknown = make_provider(name="Back Street Tuition", officer_id=officer.id)
    return {
        "school": make_user("school", school="Riverside Academy"),
        "other": make_user("school", school="Hillside School"),
        "good": good,
        "unknown": unknown,
    }


def placements():
    return db.session.scalar(select(func.count()).select_from(Placement))


def test_a_school_places_a_pupil_with_a_quality_assured_provider(client, signed_in, setting):
    signed_in(setting["school"])
    first = client.get("/placements/new")
    assert (
        first.status_code == 200
        and b"Greenway Centre" in first.data
        and b'name="school_id"' not in first.data
    )
    url = f"/placements/new?provider_id={setting['good'].id}"
    page = client.get(url)
    assert page.status_code == 200 and b"Riverside Academy" in page.data and b"placing-check" not in page.data
    saved = client.post(url, data=form_data())
    assert saved.status_code == 302
    placement = db.session.scalar(select(Placement))
    assert placement.school == setting["school"].school and placement.hours_per_week == 25
    assert placement.provider_status_when_placed == "quality_assured" and placement.sen_support
    shown = client.get(saved.headers["Location"]).data.decode()
    assert "Placement of Y10-017" in shown and "Add a review" in shown and "End the placement" in shown


def test_choosing_no_provider_is_an_error(client, signed_in, setting):
    signed_in("officer")
    page = client.get("/placements/new?school_id=&provider_id=")
    assert (
        page.status_code == 400 and b"Choose the provider" in page.data and b"Choose the school" in page.data
    )


def test_a_provider_not_quality_assured_needs_the_schools_reason(client, signed_in, setting):
    signed_in(setting["school"])
    url = f"/placements/new?provider_id={setting['unknown'].id}"
    page = client.get(url).data.decode()
    assert "Back Street Tuition is not quality assured" in page and "Never visited" in page
    assert "reason for placing the pupil with this provider" in page
    refused = client.post(url, data=form_data())
    assert refused.status_code == 400 and placements() == 0
    assert "give the school&#39;s reason" in refused.data.decode()
    saved = client.post(url, data=form_data(placing_reason="The only place near the pupil's home"))
    assert saved.status_code == 302
    email = db.session.scalar(select(OutboxEmail))
    assert "officer.pages@example.org" in email.recipients and "head.pages@example.org" in email.recipients


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"pupil_ref": "John Smith"}, "Pupil&#39;s reference looks like a name"),
        ({"pupil_ref": ""}, "Enter the school&#39;s reference for the pupil"),
        ({"hours_per_week": "41"}, "Hours a week must be between 0 and 40"),
        ({"hours_per_week": "NaN"}, "Hours a week must be a number"),
        ({"days_per_week": "6"}, "Days a week must be between 0 and 5"),
        ({"part_time": "y"}, "Give the reason for the part-time timetable"),
        ({"planned_end_date": parts(START + timedelta(days=400))}, "within a school year"),
        ({"planned_end_date": parts(START - timedelta(days=1))}, "on or after the start date"),
        ({"start_date": ["31", "2", "2026"]}, "Start date must be a real date"),
        ({"reason": "bored"}, "Not a valid choice"),
        # A mistyped year: a field message, not "too large to be stored".
        (
            {"start_date": ["20", "12", "9999"], "planned_end_date": ["21", "12", "9999"]},
            "Start date must be a date before 2100",
        ),
    ],
)
def test_bad_input_shows_gov_uk_errors_and_saves_nothing(client, signed_in, setting, fields, message):
    signed_in(setting["school"])
    page = client.post(f"/placements/new?provider_id={setting['good'].id}", data=form_data(**fields))
    assert page.status_code == 400 and placements() == 0
    text = page.data.decode()
    assert "govuk-error-summary" in text and message in text and "govuk-error-message" in text


def test_review_and_end(client, signed_in, setting, make_placement):
    placement = make_placement(setting["school"].school, setting["good"], start_date=START.isoformat())
    signed_in(setting["school"])
    url = f"/placements/{placement.uuid}"
    review = {
        "version": "1",
        "review_date": parts(TODAY),
        "sessions_possible": "20",
        "sessions_attended": "21",
        "sessions_unauthorised": "0",
        "pupil_view": "I like the workshop",
        "decision": "continue",
    }
    refused = client.post(f"{url}/reviews/new", data=review)
    assert (
        refused.status_code == 400
        and "21 sessions attended is more than the 20 possible" in refused.data.decode()
    )
    assert client.post(f"{url}/reviews/new", data={**review, "sessions_attended": "18"}).status_code == 302
    db.session.expire_all()
    assert [r.sessions_attended for r in db.session.get(Placement, placement.id).reviews] == [18]
    future = {"version": "2", "ended_on": parts(TODAY + timedelta(days=2)), "destination": "post_16"}
    assert client.post(f"{url}/end", data=future).status_code == 400
    ended = client.post(
        f"{url}/end", data={**future, "ended_on": parts(TODAY), "pupil_assessment": "It helped"}
    )
    assert ended.status_code == 302
    shown = client.get(url).data.decode()
    assert "Post-16 education" in shown and "It helped" in shown and "I like the workshop" in shown


def test_a_stale_page_keeps_the_copy_and_says_so(client, signed_in, setting, make_placement):
    placement = make_placement(setting["school"].school, setting["good"])
    signed_in(setting["school"])
    review = {
        "review_date": parts(TODAY),
        "sessions_possible": "10",
        "sessions_attended": "9",
        "decision": "continue",
    }
    client.post(f"/placements/{placement.uuid}/reviews/new", data={**review, "version": "1"})
    stale = client.post(
        f"/placements/{placement.uuid}/reviews/new", data={**review, "version": "1"}, follow_redirects=True
    )
    assert "changed by someone else" in stale.data.decode()


def test_edit_changes_the_details(client, signed_in, setting, make_placement):
    placement = make_placement(setting["school"].school, setting["good"])
    signed_in(setting["school"])
    page = client.get(f"/placements/{placement.uuid}/edit")
    assert page.status_code == 200 and placement.pupil_ref in page.data.decode()
    data = form_data(pupil_ref=placement.pupil_ref, version="1", provider_id=str(setting["unknown"].id))
    data["start_date"] = parts(placement.start_date)
    data["planned_end_date"] = parts(placement.planned_end_date)
    data["placing_reason"] = ""
    moved = client.post(f"/placements/{placement.uuid}/edit", data=data)
    assert moved.status_code == 400 and "Back Street Tuition is not quality assured" in moved.data.decode()
    data["placing_reason"] = "A place came up nearer home"
    assert client.post(f"/placements/{placement.uuid}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Placement, placement.id).provider_status_when_placed == "not_quality_assured"


def test_another_schools_placement_is_404(client, signed_in, setting, make_placement):
    placement = make_placement(setting["school"].school, setting["good"])
    signed_in(setting["other"])
    for path in ("", "/edit", "/reviews/new", "/end"):
        assert client.get(f"/placements/{placement.uuid}{path}").status_code == 404


def test_placing_a_pupil_again_never_overwrites_the_placement_or_its_reviews(client, signed_in, setting):
    """The new-placement form sent again (the back button, then Save) after a review was
    added: the stored placement and its review stay; the school is sent to the placement."""
    signed_in(setting["school"])
    url = f"/placements/new?provider_id={setting['good'].id}"
    page = client.get(url).data.decode()
    import re

    placement_uuid = re.search(r'name="uuid"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="uuid"', page
    )
    data = form_data(uuid=placement_uuid[1])
    assert client.post(url, data=data).status_code == 302
    placement = db.session.scalar(select(Placement))
    review = {
        "version": str(placement.version),
        "review_date": parts(TODAY),
        "sessions_possible": "20",
        "sessions_attended": "18",
        "sessions_unauthorised": "1",
        "progress": "Settled well",
        "decision": "continue",
    }
    assert client.post(f"/placements/{placement.uuid}/reviews/new", data=review).status_code == 302
    again = client.post(url, data=form_data(uuid=placement_uuid[1], objectives=""))
    assert again.status_code == 302 and again.headers["Location"] == f"/placements/{placement.uuid}"
    assert "already saved" in client.get(again.headers["Location"]).data.decode()
    db.session.expire_all()
    stored = db.session.scalar(select(Placement))
    assert len(stored.reviews) == 1 and stored.objectives == "Back to full time by Easter"
    assert placements() == 1
