"""Forms: report a concern, move an escalation on, suspend a provider, registration rules."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import (
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from qa_app.escalations.models import STATES
from qa_app.providers.services import normalise_postcode
from qa_app.visits.forms import DayMonthYearField


class ConcernForm(FlaskForm):
    """Report premises that appear to be operating as a school."""

    provider_id = HiddenField()
    visit_uuid = HiddenField()
    address = TextAreaField(
        "Address of the premises",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the address of the premises"), Length(max=300)],
    )
    postcode = StringField(
        "Postcode (if known)", widget=GovTextInput(), validators=[Optional(), Length(max=20)]
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
    estimated_pupils = IntegerField(
        "Roughly how many children attend (if known)",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(0, 1000, "Enter a number of children from 0 to 1000")],
    )
    estimated_hours = DecimalField(
        "Roughly how many hours a week (if known)",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(0, 60, "Enter hours a week from 0 to 60")],
    )
    dates_seen = StringField(
        "When (dates or a period)", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    submit = SubmitField("Send to the Head of Access", widget=GovSubmitInput())

    def validate_postcode(self, field):
        if field.data and normalise_postcode(field.data) is None:
            raise ValidationError("Enter a real UK postcode, like SW1A 1AA, or leave it blank")


class TransitionForm(FlaskForm):
    """The Head of Access's next step, with the reason (required) and what that step needs."""

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


class RulesForm(FlaskForm):
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
        validators=[InputRequired("Enter the hours"), NumberRange(1, 60)],
    )
    borderline_hours_from = DecimalField(
        "Borderline: from this many hours a week",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the hours"), NumberRange(0, 60)],
    )
    full_time_weeks_from = IntegerField(
        "Full-time: at least this many weeks a year",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the weeks"), NumberRange(0, 52)],
    )
    pupil_threshold = IntegerField(
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
        if (
            self.full_time_hours_over.data is not None
            and field.data is not None
            and field.data > self.full_time_hours_over.data
        ):
            raise ValidationError("The borderline must start at or below the full-time line")

    @classmethod
    def from_version(cls, version):
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
