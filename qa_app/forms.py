"""Form fields and validators that more than one feature's forms use, the version a
form was opened at, putting a service's errors on a form's fields, and committing what a
submitted form asks for.

The bottom layer: it imports no feature, so every feature's forms may import it.
"""

import hashlib
import json

from flask import flash
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovRadioInput, GovTextArea
from wtforms import DateField, HiddenField, IntegerField, RadioField, TextAreaField
from wtforms.validators import AnyOf, Email, Length, Optional, StopValidation, ValidationError

from qa_app.domain import Invalid
from qa_app.extensions import db
from qa_app.postcodes import normalise_postcode

# What committed() gives when the service refused the form's values.
NOT_SAVED = object()


class DayMonthYearField(DateField):
    """A date typed as day, month and year in three boxes (the GOV.UK date input)."""

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)

    def process(self, formdata, data=None, **kwargs):
        """Read the field, always keeping three parts for the widget to show."""
        super().process(formdata, data, **kwargs)
        # The widget needs exactly three parts, whatever the request sent.
        if self.raw_data is not None and len(self.raw_data) != 3:
            self.raw_data = (list(self.raw_data) + ["", "", ""])[:3]

    def process_formdata(self, valuelist):
        """Day, month and year into a date; all three blank is no date."""
        parts = [part.strip() for part in valuelist]
        if len(parts) == 3 and not any(parts):
            self.data = None
            return
        if len(parts) != 3 or not all(parts):
            self.data = None
            raise ValueError(f"{self.label.text} must include a day, month and year")
        try:
            super().process_formdata([" ".join(parts)])
        except ValueError:
            raise ValueError(f"{self.label.text} must be a real date, like 20 11 2026") from None


def add_criterion_fields(form_class, criterion, judgements, evidence_label, evidence_length):
    """Give `form_class` a criterion's judgement (`rating_<code>`, one of `judgements`:
    value -> label; blank is "not judged yet", not a wrong answer) and its evidence
    (`evidence_<code>`, up to `evidence_length` characters)."""
    code = criterion.code
    setattr(
        form_class,
        f"rating_{code}",
        RadioField(
            f"{code} {criterion.text}",
            widget=GovRadioInput(),
            choices=list(judgements.items()),
            validate_choice=False,
            validators=[Optional(), AnyOf(list(judgements), f"Choose how far {code} is met")],
        ),
    )
    setattr(
        form_class,
        f"evidence_{code}",
        TextAreaField(
            evidence_label, widget=GovTextArea(), validators=[Optional(), Length(max=evidence_length)]
        ),
    )


def email_address():
    """An email address in the correct format, with the GOV.UK message."""
    return Email("Enter an email address in the correct format, like name@example.org")


class UKPostcode:
    """A real UK postcode (a blank field is left to the required/optional validators)."""

    def __init__(self, message="Enter a real UK postcode, like SW1A 1AA"):
        self.message = message

    def __call__(self, form, field):
        """Refuse text that is not a UK postcode."""
        if field.data and normalise_postcode(field.data) is None:
            raise ValidationError(self.message)


class Finite:
    """Refuse NaN and Infinity, which DecimalField accepts ("sNaN" crashes NumberRange)."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        """Stop at NaN or Infinity, before the range check."""
        if field.data is not None and not field.data.is_finite():
            raise StopValidation(self.message)


def show_errors(form, errors, fields=None):
    """Put a service's {field path: message} errors on the form.

    `fields` maps a path prefix (``visit_date``, ``judgements[2]``) to the form field that
    shows it (by default each of the form's own fields shows the path of its name); a path
    no prefix claims goes to the error summary at the top of the page.
    """
    if fields is None:
        fields = {name: name for name in form._fields}
    for path, message in errors.items():
        name = next((field for prefix, field in fields.items() if path.startswith(prefix)), None)
        if name is None:
            flash(message if path in ("body", "") else f"{path}: {message}", "error")
            continue
        target = getattr(form, name)
        target.errors = [*target.errors, message]


def committed(form, write):
    """Call `write()`, the service call a submitted form asks for, and commit: what it
    returned, or NOT_SAVED when it raised Invalid, with the session rolled back and the
    refusal's messages on the form's fields for the page to show again."""
    try:
        done = write()
    except Invalid as problem:
        db.session.rollback()
        show_errors(form, problem.fields)
        return NOT_SAVED
    db.session.commit()
    return done


class VersionedForm(FlaskForm):
    """Every form that changes a versioned record carries the version it was opened at."""

    version = HiddenField()


CHANGED_SINCE_READ = (
    "{what} was changed by someone else after you opened this page, so your changes were not "
    "saved over theirs. Check it as it is now and make your changes again."
)


def record_version(record):
    """The version of a record, as a form carries it: its version counter, or else when it
    was last changed."""
    version = getattr(record, "version", None)
    if isinstance(version, int):
        return str(version)
    return record.updated_at.isoformat()


def content_version(record, names):
    """The version of a record with no counter of its own: a digest of the fields its form
    changes, so that any change to them since the page was opened counts, and nothing else
    (a user's sign-in, say) does."""
    values = json.dumps([str(getattr(record, name)) for name in names])
    return hashlib.sha256(values.encode()).hexdigest()[:20]


def carry_version(form, version):
    """Put the version the page is opened at on a form that has not been submitted."""
    if not form.is_submitted():
        form.version.data = str(version)


def changed_since_read(form, version, what):
    """True, with a message for the page, when the record is no longer at the version the
    form was opened at (or the form lost its version): the caller saves nothing."""
    if form.version.data == str(version):
        return False
    flash(CHANGED_SINCE_READ.format(what=what), "error")
    return True


class WholeNumberField(IntegerField):
    """An IntegerField whose message for text that is not a whole number names the field
    (WTForms says only "Not a valid integer value.")."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.not_a_number = message or f"{self.label.text} must be a whole number, like 12"

    def process_formdata(self, valuelist):
        """Read the number, or keep the field's own message when it is not one."""
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.not_a_number) from error
