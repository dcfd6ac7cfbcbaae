"""The form that logs a subject access request."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from qa_app.forms import DayMonthYearField


def _school_id(value):
    """The chosen school's id, or None for no choice or something that is not an id."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class RequestForm(FlaskForm):
    """Log a request: the school, the pupil's reference there, the day it was received. The
    form reads the fields; the service checks them (a school that exists, a reference, a day
    not still to come) and says what to fix."""

    # The choices (every school) are set by the view.
    school_id = SelectField(
        "School",
        widget=GovSelect(),
        description="The school whose reference the pupil is known by.",
        coerce=_school_id,
        validate_choice=False,
    )
    pupil_ref = StringField(
        "Pupil reference",
        widget=GovTextInput(),
        description="The school's own reference for the pupil, as on its placements. Never the pupil's name.",
        validators=[Length(max=20, message="The pupil's reference must be 20 characters or fewer")],
    )
    received_on = DayMonthYearField(
        "Date the request was received",
        description="The statutory month runs from this day. For example, 27 3 2026.",
        validators=[Optional()],
    )
    submit = SubmitField("Log the request", widget=GovSubmitInput())
