"""The draft report and factual accuracy: the window of 10 working days (bank holidays left
out), comments criterion by criterion or "no comments", the officer's answers (an accepted
one changes the visit through the save path, with the reason in its history), sign-off held
back on the page and in the API, and the final report's count."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from qa_app.domain import Invalid, Locked
from qa_app.drafts.services import (
    add_comment,
    answer_comment,
    confirm_no_comments,
    deadline_for,
    share_draft,
)
from qa_app.extensions import db
from qa_app.visits.accuracy import sign_off_blocker
from qa_app.visits.models import VisitEvent
from qa_app.visits.services import judged_of, sign_off
from tests.factories import ratings_for


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


@pytest.mark.parametrize(
    "shared, deadline",
    [
        # A plain fortnight: Monday to the Monday two weeks on.
        (date(2026, 11, 2), date(2026, 11, 16)),
        # Over Christmas and New Year: 25 and 28 December and 1 January are bank holidays.
        (date(2026, 12, 18), date(2027, 1, 6)),
        # Over Easter 2027: Good Friday 26 March and Easter Monday 29 March.
        (date(2027, 3, 22), date(2027, 4, 7)),
        # Shared on a Saturday: the count starts on Monday.
        (date(2026, 11, 7), date(2026, 11, 20)),
    ],
)
def test_the_window_is_ten_working_days(app, shared, deadline):
    """The last day to comment is 10 working days after the day the draft was shared."""
    assert deadline_for(shared) == deadline


def test_the_window_is_configuration(app):
    app.config["FACTUAL_ACCURACY_WORKING_DAYS"] = 5
    assert deadline_for(date(2026, 12, 18)) == date(2026, 12, 29)


@pytest.fixture
def submitted(make_provider, make_user, make_visit, head_of_access):
    """(visit submitted by its officer, the provider's staff, the officer, the Head of Access)."""
    officer = make_user("officer")
    provider = make_provider(officer_id=officer.id)
    ratings = ratings_for("green") | {"SG2": "partly_met"}
    visit = make_visit(provider, status="submitted", officer=officer, ratings=ratings)
    return visit, make_user("provider", provider=provider), officer, head_of_access()


@pytest.mark.parametrize(
    "days_after_sharing, held",
    [(0, True), (13, True), (19, True), (20, False), (21, False)],
)
def test_sign_off_waits_for_the_window_day_by_day(submitted, days_after_sharing, held):
    """Shared 18 December 2026: comments until the end of 6 January 2027 (19 days later)."""
    visit, _, officer, _ = submitted
    shared = date(2026, 12, 18)
    share_draft(officer, visit, today=shared)
    blocker = sign_off_blocker(visit, shared + timedelta(days=days_after_sharing))
    assert (blocker is not None) == held
    if held:
        assert "6 January 2027" in blocker


def test_comments_answered_then_sign_off(client, login, submitted):
    """The provider comments and then says it has no more; sign-off waits for the officer's
    answers; an accepted comment changes the visit, with the reason in its history; the final
    report counts the comments."""
    visit, staff, officer, head = submitted
    share = share_draft(officer, visit)
    db.session.commit()
    first = add_comment(
        staff, share, "SG2", "The single central record was complete on the day: seen by the DSL."
    )
    second = add_comment(staff, share, "QE1", "The tracker is updated weekly, not termly.")
    confirm_no_comments(staff, share)
    db.session.commit()
    with pytest.raises(Locked) as refused:
        sign_off(head, visit)
    assert refused.value.code == "awaiting_provider" and "2 of the provider's comments" in str(refused.value)
    db.session.rollback()

    with pytest.raises(Invalid) as problem:
        answer_comment(officer, second, "not_accepted", " ", second.version)
    assert "Say why" in problem.value.fields["response"]
    answer_comment(officer, second, "not_accepted", "The tracker seen was dated last term.", second.version)
    with pytest.raises(Invalid) as unchanged:
        answer_comment(officer, first, "accepted", "", first.version, *judged_of(visit)["SG2"])
    assert "Change the judgement" in unchanged.value.fields["rating"]
    answer_comment(officer, first, "accepted", "Seen again in the file.", first.version, "met", "")
    db.session.commit()
    assert judged_of(visit)["SG2"] == ("met", "")
    assert visit.status == "submitted"
    event = db.session.query(VisitEvent).filter_by(visit_id=visit.id, action="correct").one()
    assert "The provider's comment on SG2 was accepted" in event.comment and event.changes

    login(head)
    response = client.post(f"/api/visits/{visit.uuid}/sign-off", headers={"X-CSRFToken": "x"})
    assert response.status_code == 200, response.json
    report = client.get(f"/visits/{visit.uuid}/report.pdf?edition=provider")
    text = pdf_text(report.data)
    assert "2 comments on matters of fact received, 1 accepted" in text and "DRAFT" not in text


def test_the_api_sign_off_waits_for_the_window(client, login, submitted):
    """Within the window the API answers 409 awaiting_provider and the visit stays submitted."""
    visit, _, officer, head = submitted
    share_draft(officer, visit)
    db.session.commit()
    login(head)
    response = client.post(f"/api/visits/{visit.uuid}/sign-off")
    assert response.status_code == 409 and response.json["error"] == "awaiting_provider"
    page = client.get(f"/visits/{visit.uuid}").text
    assert "to comment on the draft" in page
    db.session.expire_all()
    assert visit.status == "submitted"


def test_the_provider_reads_the_draft_and_comments_through_its_pages(client, login, submitted):
    """The provider's page offers the DRAFT PDF and the comment form; a comment without a
    criterion is refused with a message; after the window nothing more is taken."""
    visit, staff, officer, _ = submitted
    share = share_draft(officer, visit)
    db.session.commit()
    login(staff)
    page = f"/providers/{visit.provider_id}/drafts/{share.id}"
    assert "Download the draft report" in client.get(page).text
    pdf = client.get(f"{page}/report.pdf")
    assert pdf.status_code == 200 and "DRAFT" in pdf_text(pdf.data)
    refused = client.post(page, data={"criterion": "", "text": "Wrong"})
    assert refused.status_code == 400 and "Choose the criterion" in refused.text
    assert client.post(page, data={"criterion": "HS1", "text": "We have a policy."}).status_code == 302
    assert client.post(f"{page}/no-comments").status_code == 302
    db.session.expire_all()
    assert len(share.comments) == 1 and share.no_comments_at is not None
    late = client.post(page, data={"criterion": "HS2", "text": "One more"}, follow_redirects=True)
    assert "time to comment on this draft has ended" in late.text
    assert len(share.comments) == 1


def test_only_a_submitted_visit_is_shared_once(submitted, make_visit):
    visit, _, officer, _ = submitted
    share_draft(officer, visit)
    with pytest.raises(Locked):
        share_draft(officer, visit)
    draft = make_visit(visit.provider, status="draft", officer=officer)
    with pytest.raises(Locked):
        share_draft(officer, draft)
