"""The outbox: emails are written with the change and delivered by `flask send-notifications`,
with retries and backoff, so a mail outage loses none and sends none twice."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from qa_app.auth.services import active_emails
from qa_app.extensions import db
from qa_app.notifications.models import OutboxEmail, utcnow
from qa_app.notifications.outbox import deliver_due, queue_email, retry_wait
from tests.test_api import full_visit, put
from tests.test_escalations import escalations, evidence, step


def outbox():
    return db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()


def test_a_mail_outage_loses_no_email_and_sends_none_twice(
    client, signed_in, make_user, make_provider, runner, mailbox
):
    """With the SMTP server down, raising and deciding escalations keeps every email in the
    outbox; the command fails and retries later; once the server is back each arrives once."""
    mailbox.stop()
    head = make_user("head_of_access")
    officer = signed_in("officer")
    for name in ("Mill Lane Tuition", "Dock Road Skills"):
        body = full_visit(
            make_provider(name=name, officer=officer).id,
            status="submitted",
            registration_evidence=evidence(5, 25),
        )
        assert put(client, str(uuid.uuid4()), body).status_code == 201
    client.post("/logout")
    signed_in(head)
    for escalation in escalations():
        assert step(client, escalation, "under_review", reason="Looking into it").status_code == 302
    assert len(outbox()) == 4 and all(email.sent_at is None for email in outbox())

    result = runner.invoke(args=["send-notifications"])
    assert result.exit_code == 1 and "Emails sent: 0; failed, to retry later: 4." in result.output
    failed = outbox()
    assert all(e.attempts == 1 and e.last_error and e.next_attempt_at > utcnow() for e in failed)
    assert "Emails sent: 0; failed, to retry later: 0." in runner.invoke(args=["send-notifications"]).output

    mailbox.start()
    assert "Emails sent: 0" in runner.invoke(args=["send-notifications"]).output  # not due yet
    assert deliver_due(utcnow() + timedelta(minutes=2)) == (4, 0)
    assert deliver_due(utcnow() + timedelta(days=1)) == (0, 0)
    assert "Emails sent: 0; failed, to retry later: 0." in runner.invoke(args=["send-notifications"]).output
    subjects = sorted(message["Subject"] for message in mailbox)
    assert len(subjects) == 4 and len(set(subjects)) == 4
    assert sorted(message["To"] for message in mailbox) == sorted([head.email] * 2 + [officer.email] * 2)
    assert all(email.sent_at and email.attempts == 2 for email in outbox())


def test_a_rolled_back_change_leaves_no_email(app):
    """The email is part of the change's transaction: no change, no email."""
    queue_email(["head@example.org"], "Subject", "Body")
    db.session.rollback()
    assert outbox() == []


def test_each_retry_waits_twice_as_long_up_to_an_hour():
    """Backoff: 1, 2, 4 ... minutes, never more than an hour."""
    assert [retry_wait(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert retry_wait(30) == timedelta(hours=1)


def test_the_loop_worker_delivers_round_after_round(app, runner, mailbox, monkeypatch):
    """`--loop` delivers what is due, waits, and goes again until asked to stop (SIGTERM's handler)."""
    from qa_app.notifications import outbox as module

    rounds = []

    def wait(stopper, seconds):
        rounds.append(seconds)
        if len(rounds) == 1:
            queue_email(["late@example.org"], "Second", "Body")
            db.session.commit()
        else:
            stopper.stop()

    monkeypatch.setattr(module.Stopper, "wait", wait)
    queue_email(["first@example.org"], "First", "Body")
    db.session.commit()
    result = runner.invoke(args=["send-notifications", "--loop", "--interval", "5"])
    assert result.exit_code == 0, result.output
    assert rounds == [5, 5] and "Emails sent: 1" in result.output and "Stopped." in result.output
    assert [message["Subject"] for message in mailbox] == ["First", "Second"]


def test_without_a_mail_server_production_keeps_the_email(app):
    """In production an unset MAIL_SERVER is a failure to retry, never an email 'sent'."""
    app.config.update(ENV_NAME="production", MAIL_SERVER="")
    queue_email(["head@example.org"], "Subject", "Body")
    db.session.commit()
    assert deliver_due() == (0, 1)
    [email] = outbox()
    assert email.sent_at is None and "MAIL_SERVER" in email.last_error


def test_one_bad_email_does_not_stop_the_others(app, mailbox, monkeypatch):
    """An unexpected error with one email is kept on it; the rest are still delivered."""
    from qa_app.notifications import outbox as module

    real_send = module.send_email

    def send(to, subject, body):
        if subject == "Broken":
            raise ValueError("cannot encode")
        return real_send(to, subject, body)

    monkeypatch.setattr(module, "send_email", send)
    queue_email(["head@example.org"], "Broken", "Body")
    queue_email(["head@example.org"], "Fine", "Body")
    db.session.commit()
    assert deliver_due() == (1, 1)
    assert [m["Subject"] for m in mailbox] == ["Fine"]


def recipients_of(email):
    return {d.address: d for d in email.deliveries}


def test_a_refused_recipient_is_recorded_and_the_others_get_theirs(app, mailbox):
    """The mail server refuses one address of two with a 550: the other gets the email, the
    refused one is recorded as undeliverable with the server's answer, and nothing is sent twice."""
    mailbox.refuse("gone@example.org", "550 5.1.1 No such user here")
    queue_email(["head@example.org", "gone@example.org"], "Escalation raised", "Body")
    db.session.commit()
    assert deliver_due() == (1, 0)
    assert [message["To"] for message in mailbox] == ["head@example.org"]
    [email] = outbox()
    delivered = recipients_of(email)
    assert delivered["head@example.org"].sent_at is not None
    gone = delivered["gone@example.org"]
    assert gone.sent_at is None and gone.undeliverable_at is not None and "550" in gone.last_error
    assert email.sent_at is not None
    assert deliver_due(utcnow() + timedelta(days=1)) == (0, 0) and len(mailbox) == 1


def test_a_temporary_refusal_is_tried_again_for_that_recipient_only(app, mailbox):
    """A 450 (mailbox full for now) keeps the email waiting for that recipient; the next
    round delivers it, and the recipient who already had theirs gets no second copy."""
    mailbox.refuse("full@example.org", "450 4.2.2 Mailbox full, try later", times=1)
    queue_email(["head@example.org", "full@example.org"], "Overdue review", "Body")
    db.session.commit()
    assert deliver_due() == (0, 1)
    [email] = outbox()
    assert email.sent_at is None and "450" in email.last_error and email.next_attempt_at > utcnow()
    assert recipients_of(email)["full@example.org"].undeliverable_at is None
    assert [message["To"] for message in mailbox] == ["head@example.org"]
    assert deliver_due(utcnow() + timedelta(minutes=2)) == (1, 0)
    assert sorted(message["To"] for message in mailbox) == ["full@example.org", "head@example.org"]
    assert all(d.sent_at for d in outbox()[0].deliveries) and outbox()[0].attempts == 2


def test_an_administrator_sees_the_undeliverable_addresses(app, client, signed_in, mailbox):
    """The administrators' page lists each address refused for good, with the email and the
    server's answer; no one else may see it."""
    mailbox.refuse("gone@example.org")
    queue_email(["gone@example.org", "head@example.org"], "Visit returned", "Body")
    db.session.commit()
    deliver_due()
    signed_in("admin")
    page = client.get("/admin/undeliverable-emails")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "gone@example.org" in text and "Visit returned" in text and "550 5.1.1 No such user here" in text
    assert "head@example.org" not in text
    assert 'href="/admin/undeliverable-emails"' in client.get("/admin/users").get_data(as_text=True)


def test_active_emails_are_one_school_or_provider_never_everyone(app, make_user, make_provider):
    """Whoever is emailed is asked for one way: the active staff of one school or provider,
    or the active users of a role; asking for school or provider staff without saying
    whose is a mistake, not everyone's addresses."""
    provider = make_provider()
    school_user = make_user("school", email="staff@school.example.org")
    make_user("school", email="gone@school.example.org", school=school_user.school.name, active=False)
    make_user("school", email="other@elsewhere.example.org", school="Another School")
    staff = make_user("provider", email="staff@provider.example.org", provider=provider)
    head = make_user("head_of_access", email="head@example.org")
    assert active_emails("school", school_id=school_user.school_id) == ["staff@school.example.org"]
    assert active_emails("provider", provider_id=provider.id) == [staff.email]
    assert active_emails("head_of_access") == [head.email]
    for role in ("school", "provider"):
        with pytest.raises(ValueError):
            active_emails(role)
