"""Forms for answering an action (the provider) and verifying the answer (the officer)."""

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from qa_app.forms import VersionedForm


class AnswerForm(FlaskForm):
    """What was done, and evidence files (checked by the service)."""

    text = TextAreaField(
        "What was done",
        widget=GovTextArea(),
        validators=[InputRequired("Say what was done about the action"), Length(max=5000)],
    )
    files = MultipleFileField(
        "Evidence", widget=GovFileInput(multiple=True), description="Up to 5 PDF, JPG or PNG files"
    )
    submit = SubmitField("Send the answer", widget=GovSubmitInput())


class VerifyForm(VersionedForm):
    """The officer's verification: done, or not yet with a reason."""

    verification = RadioField(
        "Is the action done?",
        widget=GovRadioInput(),
        choices=[("done", "Done"), ("not_yet", "Not yet")],
        validators=[InputRequired("Choose whether the action is done")],
    )
    reason = TextAreaField(
        "What is still to do, if not yet",
        widget=GovTextArea(),
        description="The provider sees this.",
        validators=[Optional(), Length(max=5000)],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
