"""The school form (administrators only)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from qa_app.auth.models import SCHOOL_PHASES


class SchoolForm(FlaskForm):
    """Add or change a school."""

    name = StringField(
        "School name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the school's name"), Length(max=200)],
    )
    urn = StringField(
        "DfE URN (unique reference number)",
        widget=GovTextInput(),
        description="6 digits, as on Get Information About Schools. Leave blank if not known yet.",
        validators=[
            Optional(),
            Regexp(r"^\s*\d{6}\s*$", message="Enter the school's URN as 6 digits, like 100123"),
        ],
    )
    borough = StringField(
        "Borough",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the school's borough"), Length(max=80)],
    )
    phase = RadioField(
        "Phase",
        widget=GovRadioInput(),
        choices=list(SCHOOL_PHASES.items()),
        validators=[InputRequired("Choose the school's phase")],
    )
    submit = SubmitField("Save school", widget=GovSubmitInput())
