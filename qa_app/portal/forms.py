"""The forms of provider staff's pages and of inviting them. Field validation only; the rules
are the services'."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from qa_app.forms import DayMonthYearField, VersionedForm, add_criterion_fields, email_address


class SafeguardingConfirmationForm(VersionedForm):
    """The provider's written confirmation of its safeguarding checks for one placement."""

    enhanced_dbs = BooleanField(
        "Every member of our staff who works with this pupil has an enhanced DBS check",
        widget=GovCheckboxInput(),
    )
    single_central_record = BooleanField(
        "Our single central record is complete: identity, qualifications, right to work, "
        "prohibition and s.128 checks, and agency staff",
        widget=GovCheckboxInput(),
    )
    dsl_name = StringField(
        "Name of the designated safeguarding lead", widget=GovTextInput(), validators=[Length(max=120)]
    )
    submit = SubmitField("Confirm the safeguarding checks", widget=GovSubmitInput())


class InvitationForm(FlaskForm):
    """An officer or administrator invites a member of a provider's staff."""

    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the person's full name"), Length(max=120)],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the person's own email address"), Length(max=254), email_address()],
    )
    submit = SubmitField("Send the invitation", widget=GovSubmitInput())


class AcceptInvitationForm(FlaskForm):
    """A member of a provider's staff sets their password on arrival."""

    password = PasswordField(
        "Choose a password", widget=GovPasswordInput(), validators=[InputRequired("Choose a password")]
    )
    confirm = PasswordField(
        "Type the password again",
        widget=GovPasswordInput(),
        validators=[InputRequired("Type the password again")],
    )
    submit = SubmitField("Set my password and sign in", widget=GovSubmitInput())


OWN_JUDGEMENTS = {"met": "Met", "partly_met": "Partly met", "not_met": "Not met"}


def self_assessment_form(criteria, formdata=None, **data):
    """One theme of a self-assessment: the provider's own judgement, evidence and documents
    per criterion. Saving checks little (the service checks the rest); sending checks all."""

    class SelfAssessmentThemeForm(VersionedForm):
        save = SubmitField("Save and return", widget=GovSubmitInput())

    for criterion in criteria:
        add_criterion_fields(SelfAssessmentThemeForm, criterion, OWN_JUDGEMENTS, "Your evidence", 5000)
        setattr(
            SelfAssessmentThemeForm,
            f"file_{criterion.code}",
            FileField("Add a document (PDF, PNG or JPEG, up to 5 MB)", widget=GovFileInput()),
        )
    if formdata is not None:
        return SelfAssessmentThemeForm(formdata, data=data)
    return SelfAssessmentThemeForm(data=data)


class SendSelfAssessmentForm(VersionedForm):
    """Send the self-assessment to the officer."""

    submit = SubmitField("Send the self-assessment", widget=GovSubmitInput())


class RequestSelfAssessmentForm(FlaskForm):
    """An officer asks a provider for its self-assessment, by a deadline."""

    deadline = DayMonthYearField("Deadline", validators=[InputRequired("Enter the deadline")])
    submit = SubmitField("Ask for the self-assessment", widget=GovSubmitInput())


class RegisterForm(FlaskForm):
    """A day's register: each pupil's morning and afternoon marks are fields named
    `mark-<placement id>-<session>`, each with the version of the mark the page showed
    (`version-<placement id>-<session>`); read_marks reads them."""

    save = SubmitField("Save the register", widget=GovSubmitInput())


def _whole(text):
    """A database id or version: up to nine ASCII digits."""
    return text.isascii() and text.isdigit() and len(text) <= 9


def read_marks(formdata):
    """(entries, errors) from a register's form data: (placement id, session, mark, version
    read) for each session given a mark, and a message for each field whose name or version
    the page did not make (the service checks the pupils, sessions and marks themselves)."""
    entries, errors = [], {}
    for key in formdata:
        if not key.startswith("mark-"):
            continue
        mark = (formdata.get(key) or "").strip()
        placement_id, _, session = key.removeprefix("mark-").partition("-")
        if not mark:
            continue
        version = (formdata.get(f"version-{placement_id}-{session}") or "").strip()
        if not _whole(placement_id) or not _whole(version):
            errors[key] = "The page lost track of this mark: open the register again"
            continue
        entries.append((int(placement_id), session, mark, int(version)))
    return entries, errors


class MarksUploadForm(FlaskForm):
    """Upload a CSV file of marks from the provider's own register system."""

    file = FileField(
        "CSV file of marks",
        widget=GovFileInput(),
        description="One row per pupil and session, with the template's headings, smaller than 5 MB",
        validators=[
            FileRequired("Choose a CSV file of marks"),
            FileSize(5 * 1024 * 1024, message="The file must be smaller than 5 MB"),
        ],
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class ConfirmMarksForm(FlaskForm):
    """Import a file of marks that passed its dry run."""

    submit = SubmitField("Import the marks", widget=GovSubmitInput())
