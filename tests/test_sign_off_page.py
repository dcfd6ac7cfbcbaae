"""The Head of Access's sign-off and return from the visit page: she signs off what she
read, a blank comment is shown beside its field, and no one returns their own visit."""

import pytest

from qa_app.domain import Forbidden
from qa_app.extensions import db
from qa_app.visits.models import Visit
from qa_app.visits.services import return_to_officer


@pytest.fixture
def submitted(make_provider, make_visit):
    return make_visit(make_provider(), status="submitted")


def test_a_visit_changed_since_it_was_read_is_not_signed_off(client, signed_in, head_of_access, submitted):
    """The form carries the version she read; an older one signs off nothing."""
    signed_in(head_of_access())
    response = client.post(
        f"/visits/{submitted.uuid}/sign-off",
        data={"version": submitted.version - 1, "confirmed": "y"},
        follow_redirects=True,
    )
    assert b"changed after you opened it" in response.data
    assert db.session.get(Visit, submitted.id).status == "submitted"


def test_a_return_comment_of_spaces_is_shown_beside_the_field(client, signed_in, head_of_access, submitted):
    """Spaces are no comment: a 400 with the message on the page, and the visit unchanged."""
    signed_in(head_of_access())
    response = client.post(f"/visits/{submitted.uuid}/return", data={"comment": "   "})
    assert response.status_code == 400
    assert b"Say what the officer needs to change" in response.data
    assert db.session.get(Visit, submitted.id).status == "submitted"


def test_no_one_returns_their_own_visit(make_provider, make_visit, head_of_access):
    """Returning is deciding on a visit, so the second-person rule holds for it too."""
    head = head_of_access()
    visit = make_visit(make_provider(), status="submitted", officer=head)
    with pytest.raises(Forbidden):
        return_to_officer(head, visit, "Add the evidence")
    assert visit.status == "submitted"


def test_the_officer_is_told_when_a_visit_is_signed_off(
    client, signed_in, head_of_access, submitted, mailbox
):
    """An email through the outbox, the visit under "Signed off" on Your visits, and the
    Head of Access's back link goes to her queue."""
    from qa_app.notifications.outbox import deliver_due

    signed_in(head_of_access())
    response = client.post(
        f"/visits/{submitted.uuid}/sign-off", data={"version": submitted.version, "confirmed": "y"}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).data.decode()
    assert '<a href="/sign-off" class="govuk-back-link">Visits awaiting sign-off</a>' in page
    deliver_due()
    (email,) = [m for m in mailbox if m["To"] == submitted.officer.email]
    assert email["Subject"] == f"Visit to {submitted.provider.name} signed off"
    assert f"/visits/{submitted.uuid}" in email.get_content()
    client.post("/logout")
    signed_in(submitted.officer)
    mine = client.get("/visits").data.decode()
    assert "Signed off in the last 30 days" in mine and submitted.provider.name in mine


def test_the_officer_is_told_when_a_visit_is_returned(client, signed_in, head_of_access, submitted, mailbox):
    """The email carries the comment, and Your visits shows it beside the returned visit."""
    from qa_app.notifications.outbox import deliver_due

    signed_in(head_of_access())
    response = client.post(f"/visits/{submitted.uuid}/return", data={"comment": "Add the fire drill dates"})
    assert response.status_code == 302 and "back=sign-off" in response.headers["Location"]
    deliver_due()
    (email,) = [m for m in mailbox if m["To"] == submitted.officer.email]
    assert email["Subject"] == f"Visit to {submitted.provider.name} returned to you"
    assert "Add the fire drill dates" in email.get_content()
    client.post("/logout")
    signed_in(submitted.officer)
    mine = client.get("/visits").data.decode()
    assert "Returned to you for changes" in mine and "“Add the fire drill dates”" in mine
