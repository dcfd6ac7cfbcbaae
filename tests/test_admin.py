"""User administration: listing, adding, changing and disabling users."""

import pytest
from sqlalchemy import func, select

from qa_app.admin.routes import VERSIONED
from qa_app.auth.models import User
from qa_app.auth.passwords import check_password
from qa_app.auth.services import find_user_by_email
from qa_app.extensions import db
from qa_app.forms import content_version
from tests.factories import PASSWORD

NEW_PASSWORD = "a-long-new-password"


def user_data(**overrides):
    """Valid user form data for a new QA officer; override any field."""
    data = {
        "name": "Priya Shah",
        "email": "priya.shah@example.org",
        "role": "officer",
        "school": "",
        "password": NEW_PASSWORD,
        "active": "y",
    }
    return data | overrides


def form_for(user, **overrides):
    """The edit form as it arrives when the admin saves it unchanged, plus overrides."""
    data = {
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "school": str(user.school_id) if user.school_id else "",
        "password": "",
        "version": content_version(user, VERSIONED),
    }
    if user.active:
        data["active"] = "y"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def user_count():
    return db.session.scalar(select(func.count(User.id)))


def test_admin_lists_users(client, signed_in, make_user):
    """The list shows each user's role, school and whether they can sign in."""
    signed_in("admin", name="Sam Reid")
    make_user("school", name="Mark Ellis", school="Riverside Academy")
    make_user("officer", name="Former Officer", active=False)
    page = client.get("/admin/users").get_data(as_text=True)
    for text in (
        "Sam Reid",
        "Mark Ellis",
        "School staff",
        "Riverside Academy",
        "Administrator",
    ):
        assert text in page
    assert "Can sign in" in page and "Disabled" in page and "Add a user" in page


def test_admin_adds_a_user(client, signed_in):
    """A new user is saved with a hashed password and can sign in."""
    signed_in("admin", name="Sam Reid")
    response = client.post("/admin/users/new", data=user_data())
    assert response.headers["Location"] == "/admin/users"
    user = find_user_by_email("priya.shah@example.org")
    assert user.role == "officer" and user.active
    assert check_password(user.password_hash, NEW_PASSWORD)


def test_school_user_needs_a_school(client, signed_in):
    """A school user without a school, or with one not on the list, is a form error."""
    signed_in("admin", name="Sam Reid")
    response = client.post("/admin/users/new", data=user_data(role="school"))
    assert response.status_code == 400
    assert b"Choose the school this person works for" in response.data
    response = client.post("/admin/users/new", data=user_data(role="school", school="9999"))
    assert response.status_code == 400 and b"Choose a school from the list" in response.data
    assert find_user_by_email("priya.shah@example.org") is None


def test_duplicate_email_is_a_form_error(client, signed_in, make_user):
    """An email already in use (in any case) is an error on the form, not a crash."""
    signed_in("admin", name="Sam Reid")
    make_user("officer", email="priya.shah@example.org")
    before = user_count()
    response = client.post("/admin/users/new", data=user_data(email="Priya.Shah@Example.org"))
    assert response.status_code == 400
    assert b"A user with this email address already exists" in response.data
    assert user_count() == before


@pytest.mark.parametrize(
    "password, message",
    [
        ("short", b"Password must be 10 characters or more"),
        ("Password123", b"Password is too common"),
        ("", b"Enter a password for the new user"),
    ],
)
def test_weak_password_is_refused(client, signed_in, password, message):
    """A new user's password must pass the password policy."""
    signed_in("admin", name="Sam Reid")
    response = client.post("/admin/users/new", data=user_data(password=password))
    assert response.status_code == 400 and message in response.data
    assert find_user_by_email("priya.shah@example.org") is None


def test_admin_changes_a_role(client, signed_in, make_user):
    """An officer can be made Head of Access; the password is kept when left blank."""
    signed_in("admin", name="Sam Reid")
    user = make_user("officer")
    response = client.post(f"/admin/users/{user.id}", data=form_for(user, role="head_of_access"))
    assert response.status_code == 302
    assert user.role == "head_of_access"
    assert check_password(user.password_hash, PASSWORD)


def test_disabling_a_user_ends_their_session(app, signed_in, client, make_user):
    """A disabled user's existing session cookie stops working at once."""
    signed_in("admin", name="Sam Reid")
    user = make_user("officer")
    their_browser = app.test_client()
    their_browser.post("/login", data={"email": user.email, "password": PASSWORD})
    assert their_browser.get("/providers").status_code == 200

    response = client.post(f"/admin/users/{user.id}", data=form_for(user, active=None))
    assert response.status_code == 302 and not user.active

    response = their_browser.get("/providers")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"active": None}, b"You cannot disable your own account"),
        ({"role": "officer"}, b"You cannot remove your own administrator role"),
    ],
)
def test_admin_cannot_lock_themselves_out(client, signed_in, change, message):
    """An administrator cannot disable their own account or drop their own admin role."""
    admin = signed_in("admin", name="Sam Reid")
    response = client.post(f"/admin/users/{admin.id}", data=form_for(admin, **change))
    assert response.status_code == 400 and message in response.data
    assert admin.active and admin.role == "admin"
    assert client.get("/admin/users").status_code == 200


@pytest.mark.parametrize("role", ["officer", "head_of_access", "school"])
def test_other_roles_are_forbidden(client, signed_in, role):
    """Only administrators may list or add users."""
    signed_in(role)
    assert client.get("/admin/users").status_code == 403
    before = user_count()
    assert client.post("/admin/users/new", data=user_data(role="admin")).status_code == 403
    assert user_count() == before


def test_anonymous_is_sent_to_sign_in(client, app):
    """Signed-out visitors are sent to the sign-in page."""
    response = client.get("/admin/users")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
