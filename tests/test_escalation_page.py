"""The escalation page as the Head of Access reads it: one choice is a sentence, not a radio
group; what a step needs shows under that step; UK times; views folded away; one date for
when it was raised."""

import re
from datetime import datetime

from qa_app.escalations.models import EscalationEvent
from qa_app.extensions import db


def page_of(client, escalation):
    return client.get(f"/escalations/{escalation.id}").data.decode()


def test_a_single_next_step_is_a_sentence_not_a_radio_group(client, signed_in, make_escalation):
    """From "raised" the only step is "under review": a hidden field and a sentence."""
    escalation = make_escalation()
    signed_in("head_of_access")
    page = page_of(client, escalation)
    assert 'type="radio"' not in page
    assert '<input type="hidden" name="to_state" value="under_review">' in page
    assert "The next step is <strong>Under review</strong>" in page
    response = client.post(
        f"/escalations/{escalation.id}/transition", data={"to_state": "under_review", "reason": "Looking"}
    )
    assert response.status_code == 302


def test_the_review_date_shows_only_under_monitoring(client, signed_in, make_escalation):
    """Under review, the review date sits in the conditional reveal of the "monitoring" choice."""
    escalation = make_escalation(state="under_review")
    signed_in("head_of_access")
    page = page_of(client, escalation)
    assert page.count('type="radio"') == 3
    monitoring = re.search(r'value="monitoring"[^>]*data-reveal="(conditional-[^"]+)"', page)
    assert monitoring, "the monitoring choice reveals its own fields"
    start = page.index(f'id="{monitoring.group(1)}"')
    end = page.index('value="referred_to_director"')
    dates = [m.start() for m in re.finditer('name="review_date"', page)]
    assert len(dates) == 3 and all(start < at < end for at in dates)  # day, month, year


def test_times_are_uk_time_and_views_are_folded(client, signed_in, make_escalation):
    """A summer decision shows in BST; the views are one "Viewed 2 times" details element."""
    escalation = make_escalation(state="under_review")
    decision = db.session.scalar(db.select(EscalationEvent).where(EscalationEvent.action == "transition"))
    decision.at = datetime(2026, 7, 1, 12, 0)
    db.session.commit()
    signed_in("head_of_access")
    page_of(client, escalation)
    page = page_of(client, escalation)
    assert "1 Jul 2026 13:00" in page and " UTC" not in page
    assert re.search(r"govuk-details__summary-text\">\s*Viewed 2 times", page)
    history = page[page.index(">History<") : page.index("govuk-details")]
    assert "<strong>Viewed</strong>" not in history


def test_the_caption_and_the_history_agree_on_when_it_was_raised(client, signed_in, make_escalation):
    """An escalation raised 20 days ago says so in its caption and in its history."""
    escalation = make_escalation(days_ago=20)
    signed_in("head_of_access")
    page = page_of(client, escalation)
    caption = re.search(r"raised (\d+ \w+ \d{4} \d\d:\d\d) by", page).group(1)
    raised_line = page[page.index("<strong>Raised</strong>") :][:300]
    assert caption in raised_line
