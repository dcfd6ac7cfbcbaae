"""The placement pages' forms: choosing the provider, the placement itself, a review and
the end. Field validation only; the rules between fields are the service's (schemas.rule_errors)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DecimalField,
    RadioField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from qa_app.forms import DayMonthYearField, Finite, VersionedForm, WholeNumberField
from qa_app.placements.models import ATTENDANCE_CODES, COMMISSIONERS, DECISIONS, DESTINATIONS, REASONS
from qa_app.placements.pupil_fields import pupil_fields


def _id(value):
    """A select's value as an id (None when none is chosen)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _chosen(message):
    """An inline validator: a select's placeholder (or a value that is no id) is no choice."""

    def check(form, field):
        if field.data is None:
            raise ValidationError(message)

    return check


def _text(label, limit=20000, **kwargs):
    """An optional GOV.UK text area of at most `limit` characters."""
    return TextAreaField(label, widget=GovTextArea(), validators=[Optional(), Length(max=limit)], **kwargs)


class ChooseProviderForm(FlaskForm):
    """The first step of a new placement: which school (for the authority's staff) and which provider.

    Sent by GET, so that the next step's address names both; it changes nothing."""

    class Meta:
        csrf = False

    school_id = SelectField(
        "School",
        widget=GovSelect(),
        coerce=_id,
        validators=[InputRequired("Choose the school"), _chosen("Choose the school")],
    )
    provider_id = SelectField(
        "Provider",
        widget=GovSelect(),
        coerce=_id,
        description="Check the register first: placing with a provider that is not quality assured needs a reason.",
        validators=[InputRequired("Choose the provider"), _chosen("Choose the provider")],
    )


class PlacementForm(VersionedForm):
    """Every field of a placement but its reviews and end (docs/domain.md §2.6)."""

    provider_id = SelectField(
        "Provider",
        widget=GovSelect(),
        coerce=_id,
        validators=[InputRequired("Choose the provider"), _chosen("Choose the provider")],
    )
    pupil_ref, year_group, ehc_plan, sen_support, looked_after = pupil_fields()
    commissioned_by = RadioField(
        "Who commissioned the placement",
        widget=GovRadioInput(),
        choices=list(COMMISSIONERS.items()),
        default="school",
        validators=[InputRequired("Choose who commissioned the placement")],
    )
    reason = SelectField(
        "Reason for the placement",
        widget=GovSelect(),
        choices=[("", "Choose a reason"), *REASONS.items()],
        validators=[InputRequired("Choose the reason for the placement")],
    )
    start_date = DayMonthYearField("Start date", validators=[InputRequired("Enter the start date")])
    planned_end_date = DayMonthYearField(
        "Planned end date",
        description="Every placement is time-limited: at most a school year (365 days) after the start.",
        validators=[InputRequired("Enter the planned end date")],
    )
    days_per_week = WholeNumberField(
        "Days a week",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the days a week"),
            NumberRange(0, 5, "Days a week must be between 0 and 5"),
        ],
    )
    hours_per_week = DecimalField(
        "Hours a week",
        widget=GovTextInput(),
        places=None,
        validators=[
            InputRequired("Enter the hours a week"),
            Finite("Hours a week must be a number, like 25"),
            NumberRange(0, 40, "Hours a week must be between 0 and 40"),
        ],
    )
    weeks_per_year = WholeNumberField(
        "Weeks a year",
        widget=GovTextInput(),
        default=38,
        validators=[
            InputRequired("Enter the weeks a year"),
            NumberRange(0, 52, "Weeks a year must be between 0 and 52"),
        ],
    )
    daytime = BooleanField("Taught in the daytime", widget=GovCheckboxInput(), default=True)
    main_education = BooleanField(
        "This is the pupil's main education", widget=GovCheckboxInput(), default=True
    )
    part_time = BooleanField("The pupil is on a part-time timetable", widget=GovCheckboxInput())
    part_time_reason = _text("Reason for the part-time timetable", 2000)
    part_time_review_date = DayMonthYearField(
        "Date the part-time timetable will be reviewed", validators=[Optional()]
    )
    attendance_code = RadioField(
        "How the school records the pupil's attendance",
        widget=GovRadioInput(),
        choices=list(ATTENDANCE_CODES.items()),
        default="B",
        validators=[InputRequired("Choose how the school records attendance")],
    )
    safeguarding_confirmation_received = DayMonthYearField(
        "Date the provider's written confirmation of safeguarding checks was received",
        description="Needed before the start date. Leave blank if it has not arrived.",
        validators=[Optional()],
    )
    objectives = _text("Objectives")
    reintegration_timeline = _text("Reintegration timeline")
    placing_reason = _text("The school's reason for placing the pupil with this provider", 2000)
    submit = SubmitField("Save placement", widget=GovSubmitInput())


class ReviewForm(VersionedForm):
    """A review of the placement: attendance since the last one, progress, views and the decision."""

    review_date = DayMonthYearField(
        "Date of the review", validators=[InputRequired("Enter the date of the review")]
    )
    sessions_possible = WholeNumberField(
        "Sessions possible since the last review",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the sessions possible"),
            NumberRange(0, 1000, "Enter a number from 0 to 1000"),
        ],
    )
    sessions_attended = WholeNumberField(
        "Sessions attended",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the sessions attended"),
            NumberRange(0, 1000, "Enter a number from 0 to 1000"),
        ],
    )
    sessions_unauthorised = WholeNumberField(
        "Unauthorised absences (sessions)",
        widget=GovTextInput(),
        default=0,
        description="Leave blank for none.",
        validators=[Optional(), NumberRange(0, 1000, "Enter a number from 0 to 1000")],
    )
    progress = _text("Progress against the objectives")
    achievements = _text("Achievements")
    pupil_view = _text("The pupil's own view")
    parent_view = _text("The parent's or carer's view")
    decision = RadioField(
        "Decision",
        widget=GovRadioInput(),
        choices=list(DECISIONS.items()),
        default="continue",
        validators=[InputRequired("Choose the decision")],
    )
    submit = SubmitField("Save review", widget=GovSubmitInput())


class EndForm(VersionedForm):
    """The end of a placement: when, where the pupil went, and the pupil's own assessment."""

    ended_on = DayMonthYearField(
        "Date the placement ended", validators=[InputRequired("Enter the date it ended")]
    )
    destination = RadioField(
        "Destination",
        widget=GovRadioInput(),
        choices=list(DESTINATIONS.items()),
        validators=[InputRequired("Choose where the pupil went next")],
    )
    pupil_assessment = _text("The pupil's own assessment of the placement")
    submit = SubmitField("End the placement", widget=GovSubmitInput())
