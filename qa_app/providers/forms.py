"""The provider form (the register's filter form is in providers/search.py)."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from qa_app.forms import UKPostcode, VersionedForm, email_address
from qa_app.providers.models import NEEDS_URN, REGISTRATION_STATUSES, SERVICES
from qa_app.providers.services import UKPRN, URN

UKPRN_MESSAGE = "Enter a UKPRN of 8 digits, starting with 1, like 10012345"


class ProviderForm(VersionedForm):
    """Create or edit a provider (an edit carries the version it was opened at)."""

    name = StringField(
        "Provider name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the provider's name"), Length(max=200)],
    )
    address = TextAreaField(
        "Address",
        widget=GovTextArea(),
        description="Building and street, town. Put the postcode in the next box.",
        validators=[InputRequired("Enter the provider's address"), Length(max=300)],
    )
    postcode = StringField(
        "Postcode",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the postcode"),
            Length(max=20, message="Enter a real UK postcode, like SW1A 1AA"),
            UKPostcode(),
        ],
    )
    borough = StringField(
        "Borough",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the borough"), Length(max=80)],
    )
    contact_name = StringField(
        "Contact name", widget=GovTextInput(), validators=[Optional(), Length(max=120)]
    )
    contact_email = EmailField(
        "Contact email",
        widget=GovTextInput(),
        validators=[
            Optional(),
            email_address(),
            Length(max=254),
        ],
    )
    contact_phone = StringField(
        "Contact phone", widget=GovTextInput(), validators=[Optional(), Length(max=40)]
    )
    registration_status = RadioField(
        "Registration status",
        widget=GovRadioInput(),
        choices=list(REGISTRATION_STATUSES.items()),
        validators=[InputRequired("Choose the registration status")],
    )
    urn = StringField(
        "URN",
        widget=GovTextInput(),
        description="DfE URN for a registered independent school, Ofsted URN otherwise.",
        # No Optional(): it would stop validate_urn, which decides when a URN is needed.
        validators=[Length(max=10)],
    )
    ukprn = StringField(
        "UKPRN (optional)",
        widget=GovTextInput(),
        description="UK Provider Reference Number: 8 digits, starting with 1.",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Optional(), Length(max=8, message=UKPRN_MESSAGE)],
    )
    services = SelectMultipleField(
        "Services",
        widget=GovCheckboxesInput(),
        choices=list(SERVICES.items()),
        validators=[Optional()],
    )
    officer_id = SelectField(
        "Assigned QA officer",
        widget=GovSelect(),
        coerce=lambda value: int(value) if value not in (None, "", "None") else None,
        validators=[Optional()],
    )
    notes = TextAreaField(
        "Internal notes",
        widget=GovTextArea(),
        description="Seen by officers, the Head of Access and administrators only.",
        validators=[Optional(), Length(max=5000)],
    )
    confirm_duplicate = BooleanField(
        "Yes, this is a different provider: save it anyway", widget=GovCheckboxInput()
    )
    submit = SubmitField("Save provider", widget=GovSubmitInput())

    def validate_ukprn(self, field):
        # Length has already said it, when the UKPRN is too long: one message is enough.
        if not field.errors and not UKPRN.match(field.data or ""):
            raise ValidationError(UKPRN_MESSAGE)

    def validate_urn(self, field):
        if self.registration_status.data in NEEDS_URN:
            urn = (field.data or "").strip().upper()
            if not urn:
                raise ValidationError("Enter the URN for a registered provider")
            if not URN.match(urn):
                raise ValidationError("Enter a URN of 6 or 7 digits, like 123456 or EY123456")
