"""The referral form a school fills in, and the panel's decision form. Field validation
only; what a referral lacks and what a decision needs are the rules' (referrals.rules)."""

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
    HiddenField,
    RadioField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from qa_app.forms import DayMonthYearField, Finite, VersionedForm, WholeNumberField
from qa_app.placements.pupil_fields import pupil_fields
from qa_app.placements.schemas import pupil_reference
from qa_app.referrals.models import CAF_STATES, EP_ASSESSMENTS, OUTCOMES, REQUESTS


def _text(label, limit=20000, **kwargs):
    """An optional GOV.UK text area of at most `limit` characters."""
    return TextAreaField(
        label,
        widget=GovTextArea(),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Optional(), Length(max=limit, message=f"{label} must be {limit} characters or fewer")],
        **kwargs,
    )


def _choice(label, choices, message, **kwargs):
    """GOV.UK radios that say `message` for no choice or a value that is not one of them."""

    def known(form, field):
        if field.data not in choices:
            raise ValidationError(message)

    return RadioField(
        label,
        widget=GovRadioInput(),
        choices=list(choices.items()),
        validate_choice=False,
        validators=[InputRequired(message), known],
        **kwargs,
    )


def _reference(form, field):
    """The school's reference for the pupil (the placements' rule), never a name."""
    try:
        pupil_reference((field.data or "").strip())
    except ValueError as problem:
        raise ValidationError(f"The pupil's reference {problem}") from None


class ReferralForm(VersionedForm):
    """A school's referral of a pupil to the Gateway panel (docs/domain.md §2.8)."""

    uuid = HiddenField()

    pupil_ref, year_group, ehc_plan, sen_support, looked_after = pupil_fields(_reference)
    asked_for = _choice(
        "What the school asks the panel for",
        REQUESTS,
        "Choose outreach support or a place",
        default="outreach",
    )
    needs = _text("The pupil's needs")
    what_has_happened = _text(
        "What has happened", description="Behaviour, exclusions, attendance and what led to this referral."
    )
    isat_involved = BooleanField("ISAT is involved", widget=GovCheckboxInput())
    isat_advice = _text("The advice ISAT gave", description="Needed before an urgent referral is sent.")
    ep_assessment = _choice(
        "Educational psychologist's assessment",
        EP_ASSESSMENTS,
        "Choose what has happened about an educational psychologist's assessment",
        default="neither",
    )
    social_care_involved = BooleanField("Social care is involved", widget=GovCheckboxInput())
    caf = _choice(
        "Common Assessment Framework (CAF)",
        CAF_STATES,
        "Choose whether a CAF has been opened",
        default="not_opened",
    )
    caf_refusal_evidence = _text("Evidence of why the parents or carers refused a CAF")
    caf_refusal_actions = _text("What the school did about the refusal")
    caf_refusal_persistent = BooleanField(
        "The parents or carers persistently refuse a CAF (the panel is told of this as a safeguarding concern)",
        widget=GovCheckboxInput(),
    )
    senco_involved = BooleanField("The school's SENCO is involved", widget=GovCheckboxInput())
    interventions = _text(
        "Interventions in place for the pupil's SEMH needs",
        description="The graduated approach: what the school has tried, for how long, and what happened.",
    )
    urgent = BooleanField(
        "This is urgent: behaviour escalated before the evidence could be gathered", widget=GovCheckboxInput()
    )
    urgent_reason = _text("Why the case is urgent", 2000)
    save = SubmitField("Save as draft", widget=GovSubmitInput())
    send = SubmitField("Send to the Gateway panel", widget=GovSubmitInput())


class DecisionForm(VersionedForm):
    """The panel's decision on a referral, with the reason each outcome needs."""

    outcome = _choice("The panel's decision", OUTCOMES, "Choose the panel's decision")
    decision_reason = _text(
        "The panel's reason",
        description="Accepted for outreach: what outreach. Not accepted: why. A place: anything the school should know.",
    )
    information_needed = _text("What information the panel needs")
    signposted_to = _text("Where the panel signposts the school", 2000)
    provider_id = SelectField(
        "Provider offering the place",
        widget=GovSelect(),
        coerce=lambda value: int(value) if str(value or "").isdigit() else None,
        validate_choice=False,
        validators=[Optional()],
    )
    start_date = DayMonthYearField("Start date of the place", validators=[Optional()])
    planned_end_date = DayMonthYearField("Planned end date of the place", validators=[Optional()])
    days_per_week = WholeNumberField(
        "Days a week",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(0, 5, "Days a week must be between 0 and 5")],
    )
    hours_per_week = DecimalField(
        "Hours a week",
        widget=GovTextInput(),
        places=None,
        validators=[
            Optional(),
            Finite("Hours a week must be a number, like 25"),
            NumberRange(0, 40, "Hours a week must be between 0 and 40"),
        ],
    )
    submit = SubmitField("Record the decision", widget=GovSubmitInput())
