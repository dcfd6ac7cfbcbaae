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
