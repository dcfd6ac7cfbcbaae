"""Check answers and the task list as a person reads them: blockers one line per theme with
links, no overall rating until every theme is judged, never "Green so far" while a
critical criterion is unjudged."""

import re
import uuid
from datetime import date, timedelta

import pytest

from qa_app.extensions import db
from qa_app.framework.services import current_version
from tests.factories import ratings_for, save, visit_body

YESTERDAY = date.today() - timedelta(days=1)


@pytest.fixture
def officer(make_user):
    return make_user("officer")


@pytest.fixture
def provider(make_provider, officer):
    return make_provider(officer_id=officer.id)


def draft(officer, provider, ratings, visit_date=YESTERDAY):
    """A draft visit with these ratings (evidence for anything but met); its UUID."""
    evidence = {code: "Seen on the day" for code, rating in ratings.items() if rating != "met"}
    visit_uuid = str(uuid.uuid4())
    save(officer, visit_uuid, visit_body(provider, visit_date, ratings, evidence))
    db.session.commit()
    return visit_uuid


def without(ratings, *codes):
    return {code: rating for code, rating in ratings.items() if code not in codes}


def error_summary(page):
    return re.search(r'<div class="govuk-error-summary.*?</ul>', page, re.S).group(0)


def theme_row(page, name):
    return re.search(
        rf'<tr class="govuk-table__row">\s*<th scope="row"[^>]*><a [^>]*>{name}</a>.*?</tr>', page, re.S
    ).group(0)


def test_blockers_are_one_linked_line_per_theme(client, signed_in, officer, provider):
    """Health and Safety unjudged and a future date: two lines, each linking to its page;
    each blocker is still listed beside its own link."""
    hs = [c.code for c in current_version().criteria_by_theme()["HS"]]
    visit_uuid = draft(
        officer, provider, without(ratings_for("green"), *hs), date.today() + timedelta(days=2)
    )
    signed_in(officer)
    page = client.get(f"/visits/{visit_uuid}/check").data.decode()
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', error_summary(page))
    assert links == [
        (f"/visits/{visit_uuid}/details", "Visit details: the visit date is in the future"),
        (f"/visits/{visit_uuid}/themes/HS#criterion-HS1", "Health and Safety: 8 criteria not judged"),
    ]
    assert f'href="/visits/{visit_uuid}/themes/HS#criterion-HS8">Judge HS8: ' in page
    assert "Submit for sign-off" not in page


def test_no_overall_rating_until_every_theme_is_judged(client, signed_in, officer, provider):
    """Safeguarding Red but Leadership and Management unjudged: no overall rating yet, and
    the Red theme shows with its why."""
    lm = [c.code for c in current_version().criteria_by_theme()["LM"]]
    visit_uuid = draft(officer, provider, without(ratings_for("red"), *lm))
    signed_in(officer)
    page = client.get(f"/visits/{visit_uuid}/check").data.decode()
    overall = re.search(r'<div class="govuk-inset-text" id="overall-rating">.*?</div>', page, re.S).group(0)
    assert (
        "No overall rating until every theme is rated: still to judge in Leadership and Management" in overall
    )
    assert "app-rag" not in overall and "Safeguarding is Red" not in overall
    row = theme_row(page, "Safeguarding")
    assert ">Red</strong>" in row and "critical criterion not met" in row
    assert "Not yet rated" in theme_row(page, "Leadership and Management")


def test_the_overall_rating_shows_once_every_theme_is_judged(client, signed_in, officer, provider):
    """Every criterion judged: the overall rating and its why, and the visit can be submitted."""
    visit_uuid = draft(officer, provider, ratings_for("amber"))
    signed_in(officer)
    page = client.get(f"/visits/{visit_uuid}/check").data.decode()
    overall = re.search(r'<div class="govuk-inset-text" id="overall-rating">.*?</div>', page, re.S).group(0)
    assert ">Amber</strong>" in overall and "Quality of Education is Amber" in overall
    assert "You cannot submit yet" not in page and "Submit for sign-off" in page


def test_never_green_so_far_while_a_critical_criterion_is_unjudged(client, signed_in, officer, provider):
    """SG1 (critical) unjudged, the rest met: the task list and check answers say why
    Safeguarding is not rated, and the other themes are Green so far."""
    visit_uuid = draft(officer, provider, without(ratings_for("green"), "SG1"))
    signed_in(officer)
    tasks = client.get(f"/visits/{visit_uuid}").data.decode()
    safeguarding = re.search(r">\s*Safeguarding\s*</a>.*?</li>", tasks, re.S).group(0)
    assert "Not yet rated: SG1 (critical) not judged" in safeguarding and "so far" not in safeguarding
    assert tasks.count("Green so far") == 5
    check = client.get(f"/visits/{visit_uuid}/check").data.decode()
    row = theme_row(check, "Safeguarding")
    assert "Not yet rated: SG1 (critical) not judged" in row and "app-rag" not in row
    assert "Safeguarding: 1 criterion not judged" in error_summary(check)


def test_check_answers_shows_everything_the_visit_records(
    client, signed_in, officer, provider, make_visit, make_user
):
    """The registration check and the escalation it raises, the actions with owners and
    due dates, the photos, and the earlier visit's actions with what was found."""
    from qa_app.photos.models import VisitPhoto
    from qa_app.visits.models import Action

    earlier = make_visit(provider, "amber", days_ago=200, officer=officer)
    db.session.add(Action(visit_id=earlier.id, provider_id=provider.id, description="Fix the fire door"))
    db.session.commit()
    previous = db.session.scalar(db.select(Action).where(Action.description == "Fix the fire door"))
    pupils = [{"ref": f"P{n}", "hours_per_week": 25} for n in range(1, 6)]
    visit_uuid = str(uuid.uuid4())
    body = visit_body(
        provider,
        YESTERDAY,
        ratings_for("green"),
        actions=[{"description": "Write a lone-working policy", "owner": "provider", "due": "2027-01-15"}],
        action_outcomes={str(previous.id): "done"},
        registration_evidence={"pupil_count": 5, "pupils": pupils, "sites": []},
    )
    visit, _ = save(officer, visit_uuid, body)
    db.session.add(
        VisitPhoto(
            uuid=str(uuid.uuid4()),
            visit_id=visit.id,
            criterion_code="HS1",
            caption="Blocked fire exit",
            sha256="0" * 64,
            byte_size=10,
            width=4,
            height=3,
            stored_name="a" * 32,
            uploaded_by_id=officer.id,
        )
    )
    db.session.commit()
    signed_in(officer)
    page = client.get(f"/visits/{visit_uuid}/check").data.decode()
    assert "Likely must register" in page and "Submitting raises an escalation" in page
    assert "an escalation is raised at once" in page
    actions = re.search(r"<ol [^>]*data-check-actions>.*?</ol>", page, re.S).group(0)
    assert "Write a lone-working policy" in actions and "due 15 Jan 2027" in actions and "Provider" in actions
    photos = re.search(r"<ul [^>]*data-check-photos>.*?</ul>", page, re.S).group(0)
    assert "HS1: Blocked fire exit" in photos and 'alt="Blocked fire exit, evidence for HS1"' in photos
    earlier_actions = re.search(r"<ul [^>]*data-check-previous>.*?</ul>", page, re.S).group(0)
    assert "Fix the fire door" in earlier_actions and "<strong>Done</strong>" in earlier_actions


def test_submitting_needs_a_confirmation_that_says_what_happens_next(client, signed_in, officer, provider):
    """Without the box ticked nothing is submitted and the page says why; with it, the visit
    is locked and sent."""
    from qa_app.visits.models import Visit

    visit_uuid = draft(officer, provider, ratings_for("green"))
    signed_in(officer)
    page = client.get(f"/visits/{visit_uuid}/check").data.decode()
    assert "the visit is locked" in page and "signs it off or returns it with a comment" in page
    version = str(db.session.scalar(db.select(Visit.version).where(Visit.uuid == visit_uuid)))
    refused = client.post(f"/visits/{visit_uuid}/submit", data={"version": version})
    assert refused.status_code == 400
    assert "Confirm that the visit is ready to be locked and sent" in refused.data.decode()
    assert db.session.scalar(db.select(Visit.status).where(Visit.uuid == visit_uuid)) == "draft"
    done = client.post(f"/visits/{visit_uuid}/submit", data={"version": version, "confirmed": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(Visit.status).where(Visit.uuid == visit_uuid)) == "submitted"
