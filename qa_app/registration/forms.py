"""Forms for the registration rule versions (administrators only)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import DecimalField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from qa_app.forms import DayMonthYearField, Finite, VersionedForm, WholeNumberField


class RulesForm(VersionedForm):
    """The thresholds of a draft registration rule version."""

    title = StringField(
        "Law", widget=GovTextInput(), validators=[InputRequired("Name the law"), Length(max=200)]
    )
    institution = StringField(
        "Which settings it covers",
        widget=GovTextInput(),
        validators=[InputRequired("Say which settings"), Length(max=100)],
    )
    full_time_hours_over = DecimalField(
        "Full-time: more than this many hours a week",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the hours"), Finite("Enter a number of hours"), NumberRange(1, 60)],
    )
    borderline_hours_from = DecimalField(
        "Borderline: from this many hours a week",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the hours"), Finite("Enter a number of hours"), NumberRange(0, 60)],
    )
    full_time_weeks_from = WholeNumberField(
        "Full-time: at least this many weeks a year",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the weeks"), NumberRange(0, 52)],
    )
    pupil_threshold = WholeNumberField(
        "Must register with this many full-time pupils",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the number of pupils"), NumberRange(1, 100)],
    )
    statuses = RadioField(
        "One full-time pupil is enough when they",
        widget=GovRadioInput(),
        choices=[
            ("ehc_plan,looked_after", "have an EHC plan or are looked after"),
            (
                "ehc_plan,looked_after,sen",
                "have an EHC plan, are looked after or have special educational needs",
            ),
        ],
        validators=[InputRequired("Choose which pupils count on their own")],
    )
    submit = SubmitField("Save the rules", widget=GovSubmitInput())

    def validate_borderline_hours_from(self, field):
        """The borderline band starts at or below the full-time line."""
        full_time = self.full_time_hours_over.data
        # NaN is refused on its own field; it cannot be compared.
        if (
            full_time is not None
            and full_time.is_finite()
            and field.data is not None
            and field.data > full_time
        ):
            raise ValidationError("The borderline must start at or below the full-time line")

    @classmethod
    def from_version(cls, version):
        """A form filled from a version's title and thresholds."""
        rules = version.rules
        return cls(
            title=version.title,
            institution=rules["institution"],
            full_time_hours_over=rules["full_time_hours_over"],
            borderline_hours_from=rules["borderline_hours_from"],
            full_time_weeks_from=rules["full_time_weeks_from"],
            pupil_threshold=rules["pupil_threshold"],
            statuses=",".join(rules["single_pupil_statuses"]),
        )

    def to_rules(self, version):
        """The version's rules with this form's thresholds."""
        return {
            **version.rules,
            "law": self.title.data.strip(),
            "institution": self.institution.data.strip(),
            "full_time_hours_over": float(self.full_time_hours_over.data),
            "borderline_hours_from": float(self.borderline_hours_from.data),
            "full_time_weeks_from": self.full_time_weeks_from.data,
            "pupil_threshold": self.pupil_threshold.data,
            "single_pupil_statuses": self.statuses.data.split(","),
        }


class PublishRulesForm(FlaskForm):
    """Put a draft rule version in force from the date the law is commenced."""

    in_force_from = DayMonthYearField(
        "In force from", validators=[InputRequired("Enter the date the law comes into force")]
    )
    submit = SubmitField("Publish and put in force on this date", widget=GovSubmitInput())


class CopyRulesForm(FlaskForm):
    """Copy a rule version into a new draft."""

    name = StringField(
        "New version name", widget=GovTextInput(), validators=[InputRequired("Enter a name"), Length(max=40)]
    )
    submit = SubmitField("Copy into a new draft", widget=GovSubmitInput())
