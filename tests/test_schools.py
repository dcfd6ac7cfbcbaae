"""Schools: administrators list, add and change them; school users are given one from the list."""

import pytest
from sqlalchemy import func, select

from qa_app.auth.models import School
from qa_app.auth.services import create_user, find_user_by_email
from qa_app.extensions import db
from tests.factories import PASSWORD, version_on_page


def school_data(**overrides):
    """Valid school form data; override any field."""
    return {
        "name": "Riverside Academy",
        "urn": "100123",
        "borough": "Riverside",
        "phase": "secondary",
    } | overrides


def school_count():
    return db.session.scalar(select(func.count(School.id)))


def test_admin_adds_and_lists_a_school(client, signed_in, make_user):
    """A school is saved with its URN, borough and phase and listed with its staff count."""
    signed_in("admin")
    response = client.post("/admin/schools/new", data=school_data())
    assert response.status_code == 302 and response.headers["Location"] == "/admin/schools"
    school = db.session.scalar(select(School))
    assert (school.name, school.urn, school.borough, school.phase) == (
        "Riverside Academy",
        "100123",
        "Riverside",
        "secondary",
    )
    make_user("school", school="Riverside Academy")
    page = client.get("/admin/schools").get_data(as_text=True)
    assert "Riverside Academy" in page and "100123" in page and "Secondary" in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">1</td>' in page


def test_admin_changes_a_school(client, signed_in):
    """The edit form shows the school's details and saves changes."""
    signed_in("admin")
    client.post("/admin/schools/new", data=school_data())
    school = db.session.scalar(select(School))
    assert "100123" in client.get(f"/admin/schools/{school.id}").get_data(as_text=True)
    version = version_on_page(client, f"/admin/schools/{school.id}")
    response = client.post(
        f"/admin/schools/{school.id}",
        data=school_data(name="Riverside  Academy Trust", phase="all_through", version=version),
    )
    assert response.status_code == 302
    db.session.refresh(school)
    assert school.name == "Riverside Academy Trust" and school.phase == "all_through"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "", "Enter the school&#39;s name"),
        ("urn", "12345", "Enter the school&#39;s URN as 6 digits"),
        ("urn", "1234567", "Enter the school&#39;s URN as 6 digits"),
        ("urn", "10012a", "Enter the school&#39;s URN as 6 digits"),
        ("borough", "", "Enter the school&#39;s borough"),
        ("phase", "nursery", "Choose the school&#39;s phase"),
        ("phase", "", "Choose the school&#39;s phase"),
    ],
)
def test_bad_school_details_are_refused(client, signed_in, field, value, message):
    """Each bad field is shown in the error summary and inline; nothing is saved."""
    signed_in("admin")
    response = client.post("/admin/schools/new", data=school_data(**{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in page
    assert page.count(message) == 2, page
    assert school_count() == 0


@pytest.mark.parametrize("field, value", [("urn", "100123"), ("name", "RIVERSIDE academy")])
def test_a_urn_or_name_is_one_schools(client, signed_in, field, value):
    """A second school with the same URN, or the same name in other capitals, is refused."""
    signed_in("admin")
    client.post("/admin/schools/new", data=school_data())
    other = school_data(name="Eastbrook High School", urn="100456") | {field: value}
    response = client.post("/admin/schools/new", data=other)
    assert response.status_code == 400
    assert b"already" in response.data and school_count() == 1


def test_a_school_keeps_its_own_urn_when_changed(client, signed_in):
    """Saving a school unchanged is not a clash with itself; a blank URN is no URN."""
    signed_in("admin")
    client.post("/admin/schools/new", data=school_data())
    school = db.session.scalar(select(School))
    url = f"/admin/schools/{school.id}"
    assert client.post(url, data=school_data(version=version_on_page(client, url))).status_code == 302
    assert client.post(url, data=school_data(urn="", version=version_on_page(client, url))).status_code == 302
    db.session.refresh(school)
    assert school.urn is None


@pytest.mark.parametrize("role", ["officer", "head_of_access", "school"])
def test_only_admins_manage_schools(client, signed_in, role):
    """Everyone else is refused, and a post saves nothing."""
    signed_in(role)
    assert client.get("/admin/schools").status_code == 403
    assert client.post("/admin/schools/new", data=school_data()).status_code == 403
    assert school_count() == (1 if role == "school" else 0)  # the school user's own school


def test_the_user_form_offers_the_schools(client, signed_in):
    """A school user is given a school from the list, and keeps it when changed."""
    signed_in("admin")
    client.post("/admin/schools/new", data=school_data())
    client.post("/admin/schools/new", data=school_data(name="Eastbrook High School", urn="100456"))
    eastbrook = db.session.scalar(select(School).where(School.urn == "100456"))
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert "Riverside Academy" in page and "Eastbrook High School" in page
    data = {
        "name": "Aisha Rahman",
        "email": "aisha@example.org",
        "role": "school",
        "school": str(eastbrook.id),
        "password": "a-long-new-password",
        "active": "y",
    }
    assert client.post("/admin/users/new", data=data).status_code == 302
    user = find_user_by_email("aisha@example.org")
    assert user.school_id == eastbrook.id
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert f'<option value="{eastbrook.id}" selected>' in page
    assert school_count() == 2


def test_a_staff_user_has_no_school(app):
    """An officer given a school belongs to none; create-user still makes a school by name."""
    officer = create_user("o@example.org", "O", "officer", PASSWORD, school_name="Riverside Academy")
    assert officer.school is None
    staff = create_user("s@example.org", "S", "school", PASSWORD, school_name="  Riverside   Academy ")
    again = create_user("t@example.org", "T", "school", PASSWORD, school_name="riverside academy")
    assert staff.school is again.school and staff.school.name == "Riverside Academy"


def test_create_user_command_needs_a_school_for_school_staff(runner):
    """The create-user command refuses a school user without --school, and accepts one with it."""
    result = runner.invoke(args=["create-user", "s@example.org", "--role", "school", "--password", PASSWORD])
    assert result.exit_code != 0 and "school" in result.output
    result = runner.invoke(
        args=[
            "create-user",
            "s@example.org",
            "--role",
            "school",
            "--school",
            "Riverside Academy",
            "--password",
            PASSWORD,
        ]
    )
    assert result.exit_code == 0, result.output
    assert find_user_by_email("s@example.org").school.name == "Riverside Academy"


def test_admin_sets_and_clears_a_schools_link_officer(client, signed_in, make_user):
    """The form offers the active officers; the one chosen is the school's link officer,
    listed beside it, and choosing none clears it."""
    signed_in("admin")
    officer = make_user("officer", name="Priya Shah")
    make_user("officer", name="Gone Officer", active=False)
    make_user("head_of_access", name="Head Person")
    page = client.get("/admin/schools/new").get_data(as_text=True)
    assert "Link officer" in page and "Priya Shah" in page
    assert "Gone Officer" not in page and "Head Person" not in page
    response = client.post("/admin/schools/new", data=school_data(officer_id=str(officer.id)))
    assert response.status_code == 302
    school = db.session.scalar(select(School))
    assert school.officer_id == officer.id
    assert "Priya Shah" in client.get("/admin/schools").get_data(as_text=True)
    assert f'<option value="{officer.id}" selected>' in client.get(f"/admin/schools/{school.id}").get_data(
        as_text=True
    )
    version = version_on_page(client, f"/admin/schools/{school.id}")
    response = client.post(f"/admin/schools/{school.id}", data=school_data(officer_id="", version=version))
    assert response.status_code == 302
    db.session.refresh(school)
    assert school.officer_id is None


@pytest.mark.parametrize("who", ["head_of_access", "school", "inactive", "nobody"])
def test_a_link_officer_is_an_active_officer(client, signed_in, make_user, who):
    """Anyone but an active officer is refused as a school's link officer, with the reason."""
    signed_in("admin")
    if who == "nobody":
        chosen = 99999
    elif who == "inactive":
        chosen = make_user("officer", active=False).id
    else:
        chosen = make_user(who).id
    before = school_count()
    response = client.post("/admin/schools/new", data=school_data(officer_id=str(chosen)))
    assert response.status_code == 400
    assert "Choose an active QA officer" in response.get_data(as_text=True)
    assert school_count() == before
