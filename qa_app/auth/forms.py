"""The sign-in form and the Head of Access's choice of sign-off deputies (the user
management form is in admin/forms.py)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, SelectMultipleField, SubmitField
from wtforms.validators import InputRequired, Length, Optional


class SignInForm(FlaskForm):
    """Email and password."""

    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), Length(max=128)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class DeputiesForm(FlaskForm):
    """The officers who may sign off visits besides the Head of Access (choices: active officers)."""

    deputies = SelectMultipleField(
        "Officers who may sign off visits",
        widget=GovCheckboxesInput(),
        description="A deputy signs off other people's visits, never their own.",
        coerce=int,
        validators=[Optional()],
    )
    submit = SubmitField("Save deputies", widget=GovSubmitInput())
