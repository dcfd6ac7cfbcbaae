"""The visit forms: start, details, one theme's criteria, strengths, actions, the previous
visit's actions, sign-off."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from qa_app.forms import DayMonthYearField, VersionedForm, WholeNumberField, add_criterion_fields
from qa_app.framework.rating import RATINGS
from qa_app.visits.form_words import words
from qa_app.visits.models import ACTION_OWNERS, OWNERS_BY_KIND, PLACEMENT_CHECKS, VISIT_TYPES
from qa_app.visits.school_placements import checks_needed


class DetailsForm(VersionedForm):
    """When and how the visit happened (also the form that starts a visit)."""

    uuid = HiddenField()
    visit_date = DayMonthYearField(
        **words("visit_date"),
        validators=[InputRequired("Enter the date of the visit as day, month and year")],
    )
    visit_type = RadioField(
        **words("visit_type"),
        widget=GovRadioInput(),
        choices=list(VISIT_TYPES.items()),
        default="scheduled",
        validators=[InputRequired("Choose the type of visit")],
    )
    people_met = TextAreaField(
        **words("people_met"),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=2000)],
    )
    pupils_seen = WholeNumberField(
        **words("pupils_seen"),
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(0, 1000, "Enter a number of pupils between 0 and 1000")],
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())


class ThemeFields(VersionedForm):
    """The parts of a theme's page that every theme has: its comment and the reason."""

    note = TextAreaField(
        **words("theme_note"), widget=GovTextArea(), validators=[Optional(), Length(max=20000)]
    )
    insufficient_reason = TextAreaField(
        **words("insufficient_reason"),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=20000)],
    )


def theme_form(criteria, formdata=None, **data):
    """A form for one theme: a rating and evidence per criterion, and a comment."""

    class ThemeForm(ThemeFields):
        submit = SubmitField("Save and return to the visit", widget=GovSubmitInput())

    for criterion in criteria:
        add_criterion_fields(ThemeForm, criterion, RATINGS, "Evidence", 20000)
    return ThemeForm(formdata, data=data) if formdata is not None else ThemeForm(data=data)


class StrengthsForm(VersionedForm):
    """Strengths and pupil voice."""

    strengths = TextAreaField(
        **words("strengths"), widget=GovTextArea(), validators=[Optional(), Length(max=20000)]
    )
    pupil_voice = TextAreaField(
        **words("pupil_voice"),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=20000)],
    )
    submit = SubmitField("Save and return to the visit", widget=GovSubmitInput())


class ActionForm(VersionedForm):
    """Add an area for development as an action."""

    description = TextAreaField(
        **words("action_description"),
        widget=GovTextArea(),
        validators=[InputRequired("Describe the action"), Length(max=2000)],
    )
    owner = RadioField(
        **words("action_owner"),
        widget=GovRadioInput(),
        choices=list(ACTION_OWNERS.items()),
        validators=[InputRequired("Choose who does it")],
    )
    due = DayMonthYearField(
        **words("action_due"),
        validators=[Optional()],
    )
    submit = SubmitField("Add action", widget=GovSubmitInput())


def action_form(visit, **data):
    """The form that adds an action to this visit, offering the owners it may have."""
    owners = OWNERS_BY_KIND["school" if visit.is_school_visit else "provider"]
    form = ActionForm(**data)
    form.owner.choices = [(code, ACTION_OWNERS[code]) for code in owners]
    if not form.is_submitted():
        form.owner.data = owners[0]
    return form


OUTCOMES = {"done": "Done", "not_done": "Not done"}


def outcomes_form(previous, stored, notes=None, **data):
    """A form marking each of the previous visits' open actions done or not done, with a
    note; `stored` and `notes` are what the visit has saved ({action id: outcome} and
    {action id: note}), kept on the form as stored_outcomes and stored_notes."""

    class OutcomesForm(VersionedForm):
        pass

    for action in previous:
        setattr(
            OutcomesForm,
            f"outcome_{action.id}",
            RadioField(
                action.description,
                widget=GovRadioInput(),
                choices=list(OUTCOMES.items()),
                validate_choice=False,
                validators=[Optional(), AnyOf(list(OUTCOMES), "Choose done or not done")],
            ),
        )
        setattr(
            OutcomesForm,
            f"note_{action.id}",
            TextAreaField(
                **words("action_note"), widget=GovTextArea(), validators=[Optional(), Length(max=20000)]
            ),
        )
    form = OutcomesForm(
        data={
            **{f"outcome_{key}": value for key, value in stored.items()},
            **{f"note_{key}": note for key, note in (notes or {}).items()},
            **data,
        }
    )
    form.stored_outcomes = dict(stored)
    form.stored_notes = dict(notes or {})
    return form


ANSWERS = {"yes": "Yes", "no": "No", "not_applicable": "Not applicable"}


def placements_form(placements, stored, formdata=None, **data):
    """A form for a school visit's placements: a yes or no for each check a placement
    needs ("not applicable" too for a part-time timetable's review), and a note, named
    `placement_checks.<uuid>.<check>` as the browser's form names them; `stored` is what
    the visit has saved ({uuid: {check: answer, "note": text}})."""

    class PlacementsForm(VersionedForm):
        submit = SubmitField("Save and return to the visit", widget=GovSubmitInput())

    values = {}
    for placement in placements:
        prefix = f"placement_checks.{placement['uuid']}"
        answers = stored.get(placement["uuid"], {})
        for code in checks_needed(placement):
            allowed = ["yes", "no", "not_applicable"] if code == "part_time_reviewed" else ["yes", "no"]
            setattr(
                PlacementsForm,
                f"{prefix}.{code}",
                RadioField(
                    PLACEMENT_CHECKS[code],
                    widget=GovRadioInput(),
                    choices=[(answer, ANSWERS[answer]) for answer in allowed],
                    validate_choice=False,
                    validators=[
                        Optional(),
                        AnyOf(allowed, f"Choose {' or '.join(allowed).replace('_', ' ')}"),
                    ],
                ),
            )
            values[f"{prefix}.{code}"] = answers.get(code)
        setattr(
            PlacementsForm,
            f"{prefix}.note",
            TextAreaField("Note", widget=GovTextArea(), validators=[Optional(), Length(max=2000)]),
        )
        values[f"{prefix}.note"] = answers.get("note", "")
    values.update(data)
    return PlacementsForm(formdata, data=values) if formdata is not None else PlacementsForm(data=values)


class SignOffForm(VersionedForm):
    """The Head of Access confirms she has read the visit before signing it off."""

    confirmed = BooleanField(
        "I have read the visit and agree with its ratings",
        widget=GovCheckboxInput(),
        validators=[DataRequired("Confirm that you have read the visit before you sign it off")],
    )


class ReturnForm(FlaskForm):
    """The Head of Access returns a visit with a comment."""

    comment = TextAreaField(
        "What the officer needs to change",
        widget=GovTextArea(),
        validators=[InputRequired("Say what the officer needs to change"), Length(max=5000)],
    )
    submit = SubmitField("Return to officer", widget=GovSubmitInput(), render_kw={"data-secondary": "1"})
