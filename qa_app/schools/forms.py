"""The school form (administrators only)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

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
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            Optional(),
            Length(max=6, message="Enter the school's URN as 6 digits, like 100123"),
            Regexp(r"^\d{6}$", message="Enter the school's URN as 6 digits, like 100123"),
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
        validate_choice=False,
        validators=[InputRequired("Choose the school's phase")],
    )
    officer_id = SelectField(
        "Link officer",
        widget=GovSelect(),
        description="The QA officer who visits this school and sits on the Gateway panel for its referrals.",
        coerce=lambda value: int(value) if str(value or "").isdigit() else None,
        validate_choice=False,
    )
    submit = SubmitField("Save school", widget=GovSubmitInput())

    def validate_phase(self, field):
        """One of the DfE's phases, in words a person understands (not "Not a valid choice")."""
        if field.data not in SCHOOL_PHASES:
            raise ValidationError("Choose the school's phase")

    def validate_officer_id(self, field):
        """No officer, or one of the officers listed."""
        if field.data is not None and field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose one of the QA officers listed")
