"""The fields that say who a pupil is, asked alike by a placement and by a referral to the
Gateway panel: the school's own reference (never a name or a UPN), the year group, and
whether the pupil has an EHC plan, SEN support or is looked after."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovTextInput
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from qa_app.forms import WholeNumberField


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


def pupil_fields(*reference_checks):
    """(pupil_ref, year_group, ehc_plan, sen_support, looked_after), made in that order for a
    form's class body; `reference_checks` are further validators of the reference."""
    pupil_ref = StringField(
        "Pupil's reference",
        widget=GovTextInput(),
        description="The school's own reference, such as Y10-017: 2 to 20 letters, digits or hyphens. "
        "Never a name or a UPN.",
        filters=[_stripped],
        validators=[
            InputRequired("Enter the school's reference for the pupil"),
            Length(
                max=20,
                message="A pupil's reference is 2 to 20 letters, digits or hyphens: the school's own, never a name",
            ),
            *reference_checks,
        ],
    )
    year_group = WholeNumberField(
        "Year group",
        widget=GovTextInput(),
        description="0 for reception.",
        validators=[
            InputRequired("Enter the pupil's year group"),
            NumberRange(0, 14, "Year group must be between 0 and 14"),
        ],
    )
    ehc_plan = BooleanField("The pupil has an EHC plan", widget=GovCheckboxInput())
    sen_support = BooleanField("The pupil receives SEN support", widget=GovCheckboxInput())
    looked_after = BooleanField("The pupil is looked after", widget=GovCheckboxInput())
    return pupil_ref, year_group, ehc_plan, sen_support, looked_after
