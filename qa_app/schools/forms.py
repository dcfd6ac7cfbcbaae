"""The school form (administrators only)."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from qa_app.auth.models import SCHOOL_PHASES
from qa_app.forms import VersionedForm


class SchoolForm(VersionedForm):
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
    # The choices (the active officers) are set by the view.
    officer_id = SelectField(
        "Link officer",
        widget=GovSelect(),
        description="The officer who visits this school and follows up its placements.",
        coerce=lambda value: int(value) if value not in (None, "", "None") else None,
        validate_choice=False,
        validators=[Optional()],
    )
    submit = SubmitField("Save school", widget=GovSubmitInput())

    def validate_phase(self, field):
        """One of the DfE's phases, in words a person understands (not "Not a valid choice")."""
        if field.data not in SCHOOL_PHASES:
            raise ValidationError("Choose the school's phase")
