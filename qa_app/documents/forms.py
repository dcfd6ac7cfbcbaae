"""Forms for a provider's documents: uploading a version, and the officer's review."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from qa_app.forms import DayMonthYearField, VersionedForm


class UploadForm(FlaskForm):
    """One document, its issue and expiry dates. The file is checked by the service."""

    file = FileField("The document", widget=GovFileInput(), description="A PDF, JPG or PNG file")
    issue_date = DayMonthYearField(
        "Date issued", validators=[InputRequired("Enter the date the document was issued")]
    )
    expiry_date = DayMonthYearField(
        "Expiry date",
        description="The last day it is in date. For a policy or risk assessment, its next review date.",
        validators=[InputRequired("Enter the date the document expires")],
    )
    submit = SubmitField("Upload", widget=GovSubmitInput())


class ReviewForm(VersionedForm):
    """The officer approves a document, or rejects it with a reason."""

    decision = RadioField(
        "Is this document acceptable?",
        widget=GovRadioInput(),
        choices=[("approve", "Approve it"), ("reject", "Reject it")],
        validators=[InputRequired("Choose whether to approve or reject the document")],
    )
    reason = TextAreaField(
        "Reason, if you reject it",
        widget=GovTextArea(),
        description="The provider sees this.",
        validators=[Optional(), Length(max=2000)],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
