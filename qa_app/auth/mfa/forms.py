"""The second factor's forms: field validation only."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import InputRequired, Length


class PasskeyForm(FlaskForm):
    """The browser's answer to a passkey request (filled in by static/js/passkeys.js)."""

    credential = HiddenField(validators=[Length(max=20_000)])
    submit = SubmitField("Use your passkey", widget=GovSubmitInput())


class NewPasskeyForm(FlaskForm):
    """A name for the new passkey, and the browser's answer (static/js/passkeys.js)."""

    name = StringField(
        "Name this passkey",
        widget=GovTextInput(),
        description="So you can tell your passkeys apart, like Work laptop or Phone.",
        validators=[InputRequired("Enter a name for this passkey, like Work laptop"), Length(max=60)],
    )
    credential = HiddenField(validators=[Length(max=20_000)])
    submit = SubmitField("Create a passkey", widget=GovSubmitInput())


class CodeForm(FlaskForm):
    """A 6-digit code from an authenticator app."""

    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the 6-digit code from your authenticator app"), Length(max=20)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RecoveryCodeForm(FlaskForm):
    """One of the ten recovery codes."""

    code = StringField(
        "Recovery code",
        widget=GovTextInput(),
        validators=[InputRequired("Enter one of your recovery codes"), Length(max=40)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button that changes something (removing a passkey, new recovery codes)."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
