"""Nothing typed is lost (issue 10, part 4): a save that fails validation keeps every
valid answer on the page and saved, and shows the others as typed, each beside its error
with the GOV.UK error summary. One test per section page of the visit form."""

import html
import re
from datetime import date, timedelta

import pytest

from qa_app.extensions import db
from qa_app.visits.models import Action, Visit
from tests.test_visits import date_parts, start_visit, version_of


@pytest.fixture
def officer(make_user):
    """The officer whose visit the tests fill in."""
    return make_user("officer", name="Priya Shah")


@pytest.fixture
def provider(make_provider, officer):
    return make_provider(name="Bridges Learning Centre", officer_id=officer.id)


@pytest.fixture
def visit_uuid(client, signed_in, officer, provider):
    """A draft started through the start page, the officer signed in."""
    signed_in(officer)
    return start_visit(client, provider).headers["Location"].rsplit("/", 1)[1]


def stored(visit_uuid):
    """The visit as the database has it now."""
    db.session.expire_all()
    return db.session.scalar(db.select(Visit).where(Visit.uuid == visit_uuid))


def shows_error(page, field, message):
    """The page has the error summary and the message beside the field."""
    assert "govuk-error-summary" in page and "There is a problem" in page
    assert f'id="{field}-error"' in page
    beside = page[page.index(f'id="{field}-error"') :][:400]
    assert html.escape(message) in beside or message in html.unescape(beside), beside


def chosen(page, name):
    """The value of the checked radio of this name on the page (None when none is)."""
    found = re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"( checked)?', page)
    assert found, name
    return next((value for value, checked in found if checked), None)


def test_theme_keeps_the_valid_judgements_and_shows_the_rest_as_typed(client, visit_uuid):
    """One criterion missing its evidence: the others are saved; it is shown as typed, with its error."""
    judged = {"SG1": ("met", ""), "SG2": ("partly_met", "Policy out of date"), "SG3": ("not_met", "")}
    data = {"version": version_of(visit_uuid), "note": "Calm site", "insufficient_reason": ""}
    for code, (rating, evidence) in judged.items():
        data.update({f"rating_{code}": rating, f"evidence_{code}": evidence})
    response = client.post(f"/visits/{visit_uuid}/themes/SG", data=data)
    page = response.data.decode()
    assert response.status_code == 400
    shows_error(page, "evidence_SG3", "Enter the evidence for SG3")
    assert "Your other answers on this page are saved" in page
    # SG3's "Not met" is still chosen on the page, waiting for its evidence.
    assert chosen(page, "rating_SG3") == "not_met"
    visit = stored(visit_uuid)
    assert {j.criterion.code: (j.rating, j.evidence) for j in visit.judgements} == {
        "SG1": ("met", ""),
        "SG2": ("partly_met", "Policy out of date"),
    }
    assert visit.theme_notes == {"SG": "Calm site"}
    # The page carries the new version: saving it again, put right, is no conflict.
    assert f'value="{visit.version}"' in page
    data.update({"version": visit.version, "evidence_SG3": "No single central record"})
    assert client.post(f"/visits/{visit_uuid}/themes/SG", data=data).status_code == 302
    assert len(stored(visit_uuid).judgements) == 3


def test_a_refused_criterion_keeps_what_was_saved_for_it(client, visit_uuid):
    """Changing a saved judgement to one that is refused leaves the saved one in place."""
    data = {"version": version_of(visit_uuid), "rating_QE1": "met", "rating_QE2": "met"}
    assert client.post(f"/visits/{visit_uuid}/themes/QE", data=data).status_code == 302
    data.update(
        {
            "version": version_of(visit_uuid),
            "rating_QE1": "not_seen",
            "rating_QE2": "partly_met",
            "evidence_QE2": "Plans lack dates",
            "rating_QE3": "bogus",
        }
    )
    response = client.post(f"/visits/{visit_uuid}/themes/QE", data=data)
    page = response.data.decode()
    assert response.status_code == 400
    shows_error(page, "evidence_QE1", "Enter the evidence for QE1")
    shows_error(page, "rating_QE3", "Choose how far QE3 is met")
    assert chosen(page, "rating_QE1") == "not_seen" and chosen(page, "rating_QE3") is None
    judged = {j.criterion.code: (j.rating, j.evidence) for j in stored(visit_uuid).judgements}
    assert judged == {"QE1": ("met", ""), "QE2": ("partly_met", "Plans lack dates")}


def test_theme_comment_too_long_is_kept_as_typed_and_the_judgements_saved(client, visit_uuid):
    """A comment over the limit is refused beside its field; the judgements are saved."""
    long_note = "n" * 20001
    data = {"version": version_of(visit_uuid), "rating_PD1": "met", "note": long_note}
    response = client.post(f"/visits/{visit_uuid}/themes/PD", data=data)
    page = response.data.decode()
    assert response.status_code == 400 and 'id="note-error"' in page and long_note in page
    visit = stored(visit_uuid)
    assert [j.criterion.code for j in visit.judgements] == ["PD1"] and visit.theme_notes == {}


def test_details_save_the_valid_fields(client, visit_uuid):
    """A bad date is shown as typed with its error; people met and pupils seen are saved."""
    data = {
        "version": version_of(visit_uuid),
        "visit_date": ["31", "2", "2026"],
        "visit_type": "unannounced",
        "people_met": "Deputy head",
        "pupils_seen": "lots",
    }
    response = client.post(f"/visits/{visit_uuid}/details", data=data)
    page = response.data.decode()
    assert response.status_code == 400
    shows_error(page, "visit_date", "must be a real date")
    shows_error(page, "pupils_seen", "must be a whole number")
    assert 'value="31"' in page and 'value="lots"' in page
    visit = stored(visit_uuid)
    assert (visit.visit_type, visit.people_met, visit.pupils_seen) == ("unannounced", "Deputy head", 6)
    assert visit.visit_date == date.today() - timedelta(days=1)


def test_strengths_save_the_valid_field(client, visit_uuid):
    """Pupil voice over the limit is refused and kept as typed; strengths are saved."""
    voice = "v" * 20001
    data = {"version": version_of(visit_uuid), "strengths": "Calm rooms", "pupil_voice": voice}
    response = client.post(f"/visits/{visit_uuid}/strengths", data=data)
    page = response.data.decode()
    assert response.status_code == 400 and voice in page
    shows_error(page, "pupil_voice", "20000 characters")
    visit = stored(visit_uuid)
    assert (visit.strengths, visit.pupil_voice) == ("Calm rooms", "")


def test_an_action_with_a_bad_part_is_not_added_but_kept_as_typed(client, visit_uuid):
    """An action is one answer: with its due date refused it is not added, and all of it is re-shown."""
    data = {
        "version": version_of(visit_uuid),
        "description": "Add reintegration dates",
        "owner": "authority",
        "due": date_parts(date.today() - timedelta(days=30)),
    }
    response = client.post(f"/visits/{visit_uuid}/actions", data=data)
    page = response.data.decode()
    assert response.status_code == 400
    shows_error(page, "due", "cannot be due before the visit date")
    assert "Add reintegration dates" in page and chosen(page, "owner") == "authority"
    assert 'value="' + str((date.today() - timedelta(days=30)).day) + '"' in page
    assert db.session.scalar(db.select(db.func.count(Action.id))) == 0


def test_previous_actions_save_the_valid_outcomes(client, signed_in, officer, provider, make_visit):
    """An outcome that is not one of the choices is refused beside its action; the others are saved."""
    earlier = make_visit(provider, "amber", days_ago=200, officer=officer)
    for n in (1, 2):
        db.session.add(Action(visit_id=earlier.id, provider_id=provider.id, description=f"Fix door {n}"))
    db.session.commit()
    first, second = db.session.scalars(db.select(Action.id).order_by(Action.id)).all()
    signed_in(officer)
    visit_uuid = start_visit(client, provider).headers["Location"].rsplit("/", 1)[1]
    data = {"version": version_of(visit_uuid), f"outcome_{first}": "done", f"outcome_{second}": "maybe"}
    response = client.post(f"/visits/{visit_uuid}/previous-actions", data=data)
    page = response.data.decode()
    assert response.status_code == 400
    shows_error(page, f"outcome_{second}", "Choose done or not done")
    assert chosen(page, f"outcome_{first}") == "done"
    assert stored(visit_uuid).action_outcomes == {str(first): "done"}


def pupil_rows(rows):
    """The registration page's fields for these (ref, hours) rows."""
    data = {"rows": str(len(rows) + 1)}
    for n, (ref, hours) in enumerate(rows):
        data.update({f"ref-{n}": ref, f"hours-{n}": hours, f"weeks-{n}": "38", f"daytime-{n}": "y"})
    return data


def test_registration_saves_the_valid_rows(client, visit_uuid):
    """A pupil row with impossible hours is shown as typed with its error; the other rows are saved."""
    data = {
        "version": version_of(visit_uuid),
        "pupil_count": "",
        "sites": "Unit 4",
        **pupil_rows([("P1", "19"), ("P2", "75"), ("P3", "10")]),
    }
    response = client.post(f"/visits/{visit_uuid}/registration", data=data)
    page = response.data.decode()
    assert response.status_code == 400
    shows_error(page, "row-1", "must be between 0 and 60")
    assert 'href="#ref-1">Pupil row 2' in page
    assert 'value="75"' in page and 'value="P2"' in page
    evidence = stored(visit_uuid).registration_evidence
    assert [p["ref"] for p in evidence["pupils"]] == ["P1", "P3"] and evidence["sites"] == ["Unit 4"]


def test_a_page_opened_at_an_old_version_still_keeps_both_copies(client, visit_uuid):
    """A partly valid save from a stale page is kept as a conflict, not written over the newer visit."""
    old = version_of(visit_uuid)
    client.post(f"/visits/{visit_uuid}/strengths", data={"version": old, "strengths": "From tab A"})
    response = client.post(
        f"/visits/{visit_uuid}/strengths",
        data={"version": old, "strengths": "From tab B", "pupil_voice": "x" * 20001},
    )
    assert response.status_code == 302 and "/conflicts/" in response.headers["Location"]
    assert stored(visit_uuid).strengths == "From tab A"


def test_a_bad_csrf_token_saves_nothing(make_app, make_user, make_provider, make_visit):
    """With CSRF on, a post without a token is refused and nothing is saved."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        officer = make_user("officer")
        visit = make_visit(make_provider(officer_id=officer.id), status="draft", officer=officer)
        client = app.test_client()
        page = client.get("/login").data.decode()
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/login", data={"email": officer.email, "password": "correct-horse-battery", "csrf_token": token}
        )
        response = client.post(
            f"/visits/{visit.uuid}/strengths", data={"version": visit.version, "strengths": "X"}
        )
        assert response.status_code == 400
        assert stored(visit.uuid).strengths == ""
