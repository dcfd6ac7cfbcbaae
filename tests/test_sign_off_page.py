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
