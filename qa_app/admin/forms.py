"""The user management form (administrators only)."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from qa_app.auth.models import ROLES
from qa_app.auth.passwords import password_problem
from qa_app.forms import VersionedForm, email_address


def _school_id(value):
    """The chosen school's id, or None when none was chosen (or the value is not an id)."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _check_password_policy(form, field):
    """The password rules of auth/passwords.py, as a form validator."""
    if field.data:
        problem = password_problem(field.data)
        if problem:
            raise ValidationError(problem)


class UserForm(VersionedForm):
    """Add or change a user (administrators only)."""

    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the person's full name"), Length(max=120)],
    )
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter an email address"),
            email_address(),
            Length(max=254),
        ],
    )
    role = SelectField(
        "Role",
        widget=GovSelect(),
        choices=[("", "Choose a role")] + list(ROLES.items()),
        validators=[InputRequired("Choose a role")],
    )
    school = SelectField(
        "School (school staff only)",
        widget=GovSelect(),
        coerce=_school_id,
        choices=[],
        validate_choice=False,
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        description="At least 10 characters. Leave blank to keep the current password.",
        validators=[Optional(), _check_password_policy],
    )
    active = BooleanField("Account can sign in", widget=GovCheckboxInput(), default=True)
    submit = SubmitField("Save user", widget=GovSubmitInput())

    def validate_role(self, field):
        if field.data not in ROLES:
            raise ValidationError("Choose a role")

    def set_schools(self, schools):
        """Offer these schools in the school list."""
        self.school.choices = [("", "Choose a school")] + [(s.id, s.name) for s in schools]

    def validate_school(self, field):
        """A school user belongs to one of the schools listed."""
        if self.role.data != "school":
            return
        if field.data is None:
            raise ValidationError("Choose the school this person works for")
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose a school from the list")
