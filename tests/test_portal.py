"""Provider staff: invitations, their own provider's pages, and the written confirmation of
safeguarding checks per placement."""

import re
from datetime import date, timedelta

from sqlalchemy import select

from qa_app.auth.models import User
from qa_app.dates import utcnow
from qa_app.extensions import db
from qa_app.notifications.models import OutboxEmail
from qa_app.placements.overdue import overdue_items
from qa_app.portal.invitations import VALID_FOR, accept, invite
from qa_app.portal.models import StaffInvitation

NEW_PASSWORD = "a-long-new-password-9"


def emails():
    return db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()


def _link_token(body):
    return re.search(r"/invitations/([A-Za-z0-9_-]+)", body)[1]


def test_an_officer_invites_staff_who_set_a_password_and_land_on_their_provider(
    client, signed_in, make_provider
):
    officer = signed_in("officer")
    provider = make_provider()
    provider.officer = officer
    db.session.commit()
    response = client.post(
        f"/providers/{provider.id}/staff", data={"name": "Sam Lee", "email": "Sam.Lee@Provider.example.org"}
    )
    assert response.status_code == 302
    [email] = emails()
    assert email.recipients == "sam.lee@provider.example.org"
    token = _link_token(email.body)
    stored = db.session.scalar(select(StaffInvitation))
    assert stored.token_hash != token and token not in stored.token_hash  # only its hash is kept
    client.post("/logout")
    page = client.get(f"/invitations/{token}")
    assert page.status_code == 200 and b"Set your password" in page.data
    short = client.post(f"/invitations/{token}", data={"password": "short", "confirm": "short"})
    assert short.status_code == 400 and b"characters or more" in short.data
    joined = client.post(f"/invitations/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert joined.status_code == 302 and joined.headers["Location"] == "/provider"
    user = db.session.scalar(select(User).where(User.email == "sam.lee@provider.example.org"))
    assert user.role == "provider" and user.provider_id == provider.id
    home = client.get("/provider")
    assert home.status_code == 200 and provider.name.encode() in home.data
    # The link works once.
    client.post("/logout")
    again = client.get(f"/invitations/{token}")
    assert again.status_code == 410 and b"used already" in again.data


def test_an_invitation_expires_after_7_days(app, make_user, make_provider):
    admin = make_user("admin")
    provider = make_provider()
    now = utcnow()
    _, token = invite(admin, provider, "Kim", "kim@provider.example.org", lambda t: t, now=now)
    db.session.commit()
    from qa_app.domain import Locked

    try:
        accept(token, NEW_PASSWORD, NEW_PASSWORD, now=now + VALID_FOR)
    except Locked as error:
        assert "expired" in error.message
    else:
        raise AssertionError("an expired invitation was accepted")
    user = accept(token, NEW_PASSWORD, NEW_PASSWORD, now=now + VALID_FOR - timedelta(minutes=1))
    assert user.provider_id == provider.id


def test_an_invitation_sent_twice_invites_once(client, signed_in, make_provider):
    """The staff form sent again (a double click, or the back button) makes no second
    invitation and sends no second email."""
    signed_in("admin")
    provider = make_provider()
    form = {"name": "Kim Lee", "email": "kim@provider.example.org"}
    assert client.post(f"/providers/{provider.id}/staff", data=form).status_code == 302
    again = client.post(f"/providers/{provider.id}/staff", data=form)
    assert again.status_code == 400 and b"already waiting" in again.data
    assert len(emails()) == 1
    assert len(db.session.scalars(select(StaffInvitation)).all()) == 1


def test_an_address_already_in_use_is_refused(client, signed_in, make_user, make_provider):
    make_user("school", email="office@shared.example.org")
    signed_in("admin")
    provider = make_provider()
    response = client.post(
        f"/providers/{provider.id}/staff", data={"name": "Office", "email": "OFFICE@shared.example.org"}
    )
    assert response.status_code == 400 and b"already used" in response.data
    assert emails() == [] and db.session.scalar(select(StaffInvitation)) is None


def test_only_the_providers_own_officer_or_an_admin_invites(client, signed_in, make_provider):
    signed_in("officer")
    provider = make_provider()
    assert client.get(f"/providers/{provider.id}/staff").status_code == 404
    response = client.post(f"/providers/{provider.id}/staff", data={"name": "X", "email": "x@example.org"})
    assert response.status_code == 404 and emails() == []


def test_provider_pages_show_their_own_provider_and_nothing_internal(
    client, signed_in, make_provider, make_user, make_placement, make_visit
):
    from qa_app.escalations.raising import report_concern

    provider = make_provider(notes="Internal: the director is under investigation.")
    other = make_provider(name="Another Provider Ltd")
    report_concern(
        make_user("officer"),
        {"address": "1 Secret Lane", "description": "Escalated worry", "provider_id": provider.id},
    )
    db.session.commit()
    mine = make_placement(make_user("school", school="Ours Academy").school, provider, pupil_ref="OUR-001")
    make_placement(make_user("school", school="Elsewhere School").school, other, pupil_ref="THEIRS-9")
    visit = make_visit(provider, rag="amber", theme_notes={"SG": "Internal safeguarding note"})
    other_visit = make_visit(other)
    signed_in("provider", provider=provider)
    pages = [
        client.get(url)
        for url in ("/provider", "/provider/placements", "/provider/reports", "/provider/self-assessments")
    ]
    assert all(page.status_code == 200 for page in pages)
    text = b"".join(page.data for page in pages)
    assert b"OUR-001" in text and mine.school.name.encode() in text
    for secret in (
        b"THEIRS-9",
        b"Elsewhere School",
        b"Another Provider",
        b"Internal:",
        b"Secret Lane",
        b"Escalated",
    ):
        assert secret not in text
    assert b"Escalations" not in pages[0].data  # no menu item either
    # Their own signed-off report, provider edition; never the internal one, never another's.
    own = client.get(f"/visits/{visit.uuid}/report.pdf?edition=provider")
    assert own.status_code == 200 and own.mimetype == "application/pdf"
    assert client.get(f"/visits/{visit.uuid}/report.pdf").status_code == 403
    assert client.get(f"/visits/{other_visit.uuid}/report.pdf?edition=provider").status_code == 404
    assert client.get(f"/providers/{other.id}").status_code == 404
    assert client.get(f"/providers/{provider.id}").headers["Location"] == "/provider"


def test_confirming_safeguarding_fills_the_placement_and_tells_the_school(
    client, signed_in, make_provider, make_user, make_placement
):
    provider = make_provider()
    school_user = make_user("school", school="Confirm Academy")
    placement = make_placement(
        school_user.school, provider, safeguarding_confirmation_received=None, pupil_ref="SG-100"
    )
    assert [i.kind for i in overdue_items(placement, date.today())] == ["safeguarding_confirmation"]
    staff = signed_in("provider", provider=provider)
    page = client.get(f"/provider/placements/{placement.uuid}/safeguarding")
    assert page.status_code == 200 and b"SG-100" in page.data
    missing = client.post(
        f"/provider/placements/{placement.uuid}/safeguarding",
        data={"version": placement.version, "enhanced_dbs": "y", "dsl_name": ""},
    )
    assert missing.status_code == 400
    assert (
        b"single central record is complete" in missing.data
        and b"designated safeguarding lead" in missing.data
    )
    db.session.expire_all()
    assert (
        placement.safeguarding_confirmation is None and placement.safeguarding_confirmation_received is None
    )
    stale = client.post(
        f"/provider/placements/{placement.uuid}/safeguarding",
        data={
            "version": placement.version - 1 or 99,
            "enhanced_dbs": "y",
            "single_central_record": "y",
            "dsl_name": "Jo Park",
        },
    )
    assert stale.status_code == 302
    db.session.expire_all()
    assert placement.safeguarding_confirmation is None
    done = client.post(
        f"/provider/placements/{placement.uuid}/safeguarding",
        data={
            "version": placement.version,
            "enhanced_dbs": "y",
            "single_central_record": "y",
            "dsl_name": " Jo  Park ",
        },
    )
    assert done.status_code == 302
    db.session.expire_all()
    confirmation = placement.safeguarding_confirmation
    assert confirmation.dsl_name == "Jo Park" and confirmation.confirmed_by_id == staff.id
    assert placement.safeguarding_confirmation_received == date.today()
    assert overdue_items(placement, date.today()) == []
    [email] = [e for e in emails() if "Safeguarding checks confirmed" in e.subject]
    assert email.recipients == school_user.email and "Jo Park" in email.body
    # Once only.
    again = client.post(
        f"/provider/placements/{placement.uuid}/safeguarding",
        data={
            "version": placement.version,
            "enhanced_dbs": "y",
            "single_central_record": "y",
            "dsl_name": "X",
        },
    )
    assert again.status_code == 302
    assert len([e for e in emails() if "Safeguarding checks confirmed" in e.subject]) == 1


def test_another_providers_placement_cannot_be_confirmed(
    client, signed_in, make_provider, make_user, make_placement
):
    placement = make_placement(
        make_user("school").school, make_provider(), safeguarding_confirmation_received=None
    )
    signed_in("provider")
    url = f"/provider/placements/{placement.uuid}/safeguarding"
    assert client.get(url).status_code == 404
    response = client.post(
        url,
        data={
            "version": placement.version,
            "enhanced_dbs": "y",
            "single_central_record": "y",
            "dsl_name": "A",
        },
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert placement.safeguarding_confirmation is None


def test_create_user_makes_provider_staff(app, make_provider):
    provider = make_provider(name="Command Line Provider")
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "cli@provider.example.org",
            "--role",
            "provider",
            "--provider",
            "command line provider",
            "--password",
            NEW_PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "cli@provider.example.org"))
    assert user.provider_id == provider.id
    missing = runner.invoke(
        args=["create-user", "x@provider.example.org", "--role", "provider", "--password", NEW_PASSWORD]
    )
    assert missing.exit_code != 0 and "provider" in missing.output


def test_the_providers_position_against_the_national_standards(client, signed_in, make_provider, make_visit):
    """The provider's page and its staff's home page count the latest signed-off visit's
    judgements by national standard area."""
    provider = make_provider()
    make_visit(provider, rag="red")  # SG1 not met, every other criterion met
    signed_in("provider", provider=provider)
    page = client.get("/provider").data.decode()
    position = page.split("data-standards-position")[1].split("</dl>")[0]
    assert "Safeguarding and welfare" in position and "1 not met" in position
    assert "Quality of education" in position and "Health and safety" in position
    assert "Admissions, support and guidance" in position


def test_the_schools_placement_record_shows_who_confirmed(
    client, signed_in, make_provider, make_user, make_placement
):
    from qa_app.placements.confirmation import confirm_safeguarding

    provider = make_provider()
    school_user = make_user("school", school="Record Academy")
    placement = make_placement(school_user.school, provider, safeguarding_confirmation_received=None)
    staff = make_user("provider", provider=provider, name="Robin Hale")
    answers = {"enhanced_dbs": True, "single_central_record": True, "dsl_name": "Jo Park"}
    confirm_safeguarding(staff, placement, answers, placement.version)
    db.session.commit()
    signed_in(school_user)
    page = client.get(f"/placements/{placement.uuid}").data.decode()
    assert "confirmed in the app by Robin Hale" in page and "designated safeguarding lead Jo Park" in page


def test_the_concern_form_names_no_other_provider_to_provider_staff(client, signed_in, make_provider):
    """A link to the concern form naming another provider shows provider staff neither its
    name nor its address (they see their own provider only); the form is theirs to fill."""
    own = make_provider(name="Our Own Provider")
    other = make_provider(name="Another Provider Ltd", address="7 Hidden Row")
    signed_in("provider", provider=own)
    page = client.get(f"/escalations/report?provider_id={other.id}")
    assert page.status_code == 200
    assert b"Another Provider" not in page.data and b"Hidden Row" not in page.data
    assert f'value="{other.id}"'.encode() not in page.data
    # Their own provider is named, as on any provider's page.
    assert b"Our Own Provider" in client.get(f"/escalations/report?provider_id={own.id}").data


def test_a_confirmation_sent_twice_at_once_is_recorded_once(
    app, make_provider, make_user, make_placement, monkeypatch
):
    """The confirmation form sent twice at once (a double click): both pass the check of who
    may confirm before either saves (a barrier holds them there); one is recorded, the other
    is refused as already confirmed, and the school is told once."""
    import threading

    from qa_app.domain import Conflict, Locked
    from qa_app.placements import confirmation as confirming
    from qa_app.placements.models import Placement

    provider = make_provider()
    placement = make_placement(
        make_user("school", school="Twice Academy").school, provider, safeguarding_confirmation_received=None
    )
    staff = make_user("provider", provider=provider)
    placement_id, staff_id, version = placement.id, staff.id, placement.version
    both_checked = threading.Barrier(2, timeout=30)
    real_staff_of = confirming.provider_staff_of

    def racing_staff_of(*args):
        allowed = real_staff_of(*args)
        both_checked.wait()
        return allowed

    monkeypatch.setattr(confirming, "provider_staff_of", racing_staff_of)
    outcomes = []

    def confirm():
        with app.app_context():
            try:
                user, found = db.session.get(User, staff_id), db.session.get(Placement, placement_id)
                answers = {"enhanced_dbs": True, "single_central_record": True, "dsl_name": "Jo Park"}
                confirming.confirm_safeguarding(user, found, answers, version)
                db.session.commit()
                outcomes.append("confirmed")
            except (Locked, Conflict):
                db.session.rollback()
                outcomes.append("refused")
            except Exception as error:  # what the page would answer with a 500
                db.session.rollback()
                outcomes.append(type(error).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["confirmed", "refused"], outcomes
    assert len([e for e in emails() if "Safeguarding checks confirmed" in e.subject]) == 1
