"""Actions answered with evidence: the provider answers each with what was done and files;
its officer verifies each (done, or not yet with a reason); overdue actions are emailed once;
the next visit's "Actions from the last visit" shows the answers, on the page and in the bundle."""

import io
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from qa_app.action_plans.services import answer_action, send_overdue_notices, verify_answer
from qa_app.domain import Invalid, Locked
from qa_app.extensions import db
from qa_app.notifications.outbox import deliver_due
from qa_app.visits.action_answers import ActionAnswer
from qa_app.visits.models import Action
from tests.factories import clear_outbox, ratings_for, save, visit_body

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def with_actions(make_provider, make_user, make_visit):
    """(provider, its staff, its officer, [two open actions from a signed-off visit])."""
    officer = make_user("officer")
    provider = make_provider(officer_id=officer.id)
    today = date.today()
    make_visit(
        provider,
        days_ago=40,
        officer=officer,
        actions=[
            {
                "description": "Put the fire drill log in the office",
                "owner": "provider",
                "due": (today - timedelta(days=3)).isoformat(),
            },
            {
                "description": "Send the attendance policy",
                "owner": "provider",
                "due": (today + timedelta(days=30)).isoformat(),
            },
        ],
    )
    clear_outbox()
    actions = db.session.scalars(
        select(Action).where(Action.provider_id == provider.id).order_by(Action.position)
    ).all()
    return provider, make_user("provider", provider=provider), officer, actions


def test_answer_and_verify_through_the_pages(client, login, with_actions):
    """The provider answers with a file; a text file is refused; the officer says not yet
    (with a reason), the provider answers again, the officer says done."""
    provider, staff, officer, (late, _) = with_actions
    login(staff)
    listing = client.get(f"/providers/{provider.id}/actions").text
    assert "Put the fire drill log in the office" in listing and "Overdue" in listing
    url = f"/providers/{provider.id}/actions/{late.id}/answer"
    bad = client.post(
        url,
        data={"text": "Done", "files": [(io.BytesIO(b"plain text"), "log.pdf")]},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and "must be a PDF, JPG or PNG" in bad.text
    assert db.session.scalar(select(ActionAnswer)) is None
    good = client.post(
        url,
        data={"text": "The log is in the office.", "files": [(io.BytesIO(PDF), "drill log.pdf")]},
        content_type="multipart/form-data",
    )
    assert good.status_code == 302
    answer = db.session.scalar(select(ActionAnswer))
    assert answer.evidence[0].filename == "drill log.pdf"
    assert client.get(url, follow_redirects=True).status_code == 200
    client.post("/logout")

    login(officer)
    show = f"/providers/{provider.id}/actions/{late.id}"
    refused = client.post(show, data={"verification": "not_yet", "reason": "", "version": answer.version})
    assert refused.status_code == 400 and "Say what is still to do" in refused.text
    ok = client.post(
        show,
        data={"verification": "not_yet", "reason": "No drills recorded since May", "version": answer.version},
    )
    assert ok.status_code == 302
    evidence = client.get(f"/providers/{provider.id}/actions/evidence/{answer.evidence[0].id}")
    assert evidence.data == PDF and evidence.headers["Content-Type"] == "application/pdf"
    client.post("/logout")

    login(staff)
    again = client.post(
        url, data={"text": "Drills added for June to November."}, content_type="multipart/form-data"
    )
    assert again.status_code == 302
    client.post("/logout")
    login(officer)
    latest = db.session.scalars(select(ActionAnswer).order_by(ActionAnswer.id.desc())).first()
    assert client.post(show, data={"verification": "done", "version": latest.version}).status_code == 302
    db.session.expire_all()
    assert latest.verification == "done" and late.status == "open"  # the next visit closes it


def test_an_answer_waiting_for_the_officer_cannot_be_replaced(with_actions):
    provider, staff, officer, (late, _) = with_actions
    with pytest.raises(Invalid):
        answer_action(staff, provider, late, "   ", [])
    answer_action(staff, provider, late, "Done", [])
    with pytest.raises(Locked):
        answer_action(staff, provider, late, "Done again", [])


def test_overdue_actions_are_emailed_once_each(runner, mailbox, with_actions):
    """The overdue action: one email to the provider's staff and officer, however often the
    daily command runs, delivered once the mail server is back."""
    provider, staff, officer, (late, _) = with_actions
    mailbox.stop()
    result = runner.invoke(args=["send-provider-reminders"])
    assert result.exit_code == 0 and "Overdue actions: 1." in result.output
    assert "Overdue actions: 0." in runner.invoke(args=["send-provider-reminders"]).output
    assert send_overdue_notices(date.today() + timedelta(days=60)) == 1  # the second, once due
    db.session.commit()
    assert deliver_due() == (0, 2)
    mailbox.start()
    from qa_app.notifications.models import utcnow

    assert deliver_due(utcnow() + timedelta(minutes=5)) == (2, 0)
    assert deliver_due(utcnow() + timedelta(days=1)) == (0, 0)
    # Two emails, each sent to its two recipients one at a time.
    assert len(mailbox) == 4
    late_notice = [m for m in mailbox if "Put the fire drill log in the office" in m.get_body().get_content()]
    assert sorted(m["To"] for m in late_notice) == sorted([staff.email, officer.email])


def test_the_next_visit_shows_the_answers_and_verification(client, login, with_actions):
    """On the next visit, the previous actions page and the bundle carry the provider's
    answer and the officer's verification."""
    provider, staff, officer, (late, soon) = with_actions
    answer = answer_action(
        staff, provider, late, "The log is in the office.", [("log.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)]
    )
    verify_answer(officer, answer, "not_yet", "No drills since May", answer.version)
    db.session.commit()
    next_uuid = str(uuid.uuid4())
    save(officer, next_uuid, visit_body(provider, date.today(), ratings_for("green")))
    db.session.commit()
    login(officer)
    page = client.get(f"/visits/{next_uuid}/previous-actions").text
    assert "The log is in the office." in page and "log.png" in page
    assert "Not yet done: No drills since May" in page
    assert "The provider has not answered this action." in page
    bundle = client.get("/api/offline-bundle").json
    actions = next(p for p in bundle["providers"] if p["id"] == provider.id)["open_actions"]
    by_id = {a["id"]: a for a in actions}
    assert by_id[late.id]["answer"]["text"] == "The log is in the office."
    assert by_id[late.id]["answer"]["verification"] == "not_yet"
    assert by_id[late.id]["answer"]["evidence"] == ["log.png"]
    assert by_id[soon.id]["answer"] is None
