"""The legal hold forms: place a hold on a record, release one (each with a reason)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from qa_app.forms import VersionedForm
from qa_app.retention.models import KINDS


class LegalHoldForm(FlaskForm):
    """Which record to keep, and why."""

    record_kind = RadioField(
        "Kind of record",
        widget=GovRadioInput(),
        choices=list(KINDS.items()),
        validators=[InputRequired("Choose the kind of record")],
    )
    reference = StringField(
        "Reference",
        widget=GovTextInput(),
        description=(
            "A placement's or visit's reference is the end of its page's address; an escalation's "
            "is like ESC-00012; a referral's is its number."
        ),
        validators=[InputRequired("Enter the record's reference"), Length(max=40)],
    )
    reason = TextAreaField(
        "Why it must be kept",
        widget=GovTextArea(),
        description="For example a claim, a complaint, an inquiry or a request from the police. Say who asked.",
        validators=[InputRequired("Say why the record must be kept"), Length(max=2000)],
    )
    submit = SubmitField("Place the hold", widget=GovSubmitInput())


class ReleaseHoldForm(VersionedForm):
    """Why the record need no longer be kept (the hold's version from when the page opened)."""

    release_reason = TextAreaField(
        "Why the record need no longer be kept",
        widget=GovTextArea(),
        validators=[InputRequired("Say why the record need no longer be kept"), Length(max=2000)],
    )
    submit = SubmitField("Release the hold", widget=GovSubmitInput())
