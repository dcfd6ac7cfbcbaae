"""Forms: report a concern, move an escalation on, suspend a provider."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import (
    DecimalField,
    HiddenField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from qa_app.escalations.models import STATES
from qa_app.forms import DayMonthYearField, Finite, UKPostcode, WholeNumberField


class ConcernForm(FlaskForm):
    """Report premises that appear to be operating as a school."""

    provider_id = HiddenField()
    visit_uuid = HiddenField()
    address = TextAreaField(
        "Address of the premises",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the address of the premises"), Length(max=320)],
    )
    postcode = StringField(
        "Postcode (if known)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(max=20),
            UKPostcode("Enter a real UK postcode, like SW1A 1AA, or leave it blank"),
        ],
    )
    description = TextAreaField(
        "What was seen or heard",
        widget=GovTextArea(),
        description="For example: children of school age arriving each morning and leaving mid-afternoon.",
        validators=[InputRequired("Say what was seen or heard"), Length(max=5000)],
    )
    how_known = TextAreaField(
        "How you know",
        widget=GovTextArea(),
        description="For example: a parent told us; I saw it on my way to a visit.",
        validators=[InputRequired("Say how you know"), Length(max=2000)],
    )
    estimated_pupils = WholeNumberField(
        "Roughly how many children attend (if known)",
        message="Enter roughly how many children attend as a whole number, like 12",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(0, 1000, "Enter a number of children from 0 to 1000")],
    )
    estimated_hours = DecimalField(
        "Roughly how many hours a week (if known)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Finite("Enter hours a week from 0 to 60"),
            NumberRange(0, 60, "Enter hours a week from 0 to 60"),
        ],
    )
    dates_seen = StringField(
        "When (dates or a period)", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    submit = SubmitField("Send to the Head of Access", widget=GovSubmitInput())


class TransitionForm(FlaskForm):
    """The Head of Access's next step, with the reason (required) and what that step needs."""

    # The state the step was chosen in: the step applies only if it still holds.
    from_state = HiddenField(validators=[Optional()])
    to_state = RadioField(
        "Next step",
        widget=GovRadioInput(),
        choices=list(STATES.items()),
        validators=[InputRequired("Choose the next step")],
    )
    reason = TextAreaField(
        "Reason for this decision",
        widget=GovTextArea(),
        description="Statutory guidance requires the reasons for safeguarding decisions to be recorded.",
        validators=[InputRequired("Record the reason for this decision"), Length(max=5000)],
    )
    review_date = DayMonthYearField("Review date (monitoring)", validators=[Optional()])
    ofsted_date = DayMonthYearField("Date reported to Ofsted", validators=[Optional()])
    ofsted_reference = StringField(
        "Ofsted reference", widget=GovTextInput(), validators=[Optional(), Length(max=40)]
    )
    outcome = TextAreaField(
        "Outcome (closing)", widget=GovTextArea(), validators=[Optional(), Length(max=5000)]
    )
    submit = SubmitField("Record this step", widget=GovSubmitInput())


class SuspensionForm(FlaskForm):
    """Suspend the provider on the register (or lift it), with an internal reason."""

    reason = TextAreaField(
        "Reason (internal: never shown to schools or the public)",
        widget=GovTextArea(),
        validators=[InputRequired("Record the reason"), Length(max=2000)],
    )
