"""The school's follow-up of an attendance alert."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from qa_app.alerts.follow_up import NOTE_LIMIT
from qa_app.alerts.models import OUTCOMES
from qa_app.forms import VersionedForm


class FollowUpForm(VersionedForm):
    """What the school did: contacted home, the pupil is safe, or referred; and a note."""

    outcome = RadioField(
        "What did your school do?",
        choices=list(OUTCOMES.items()),
        validators=[InputRequired("Select what your school did")],
        widget=GovRadioInput(),
    )
    note = TextAreaField(
        "What happened (optional)",
        validators=[
            Length(max=NOTE_LIMIT, message=f"What happened must be {NOTE_LIMIT} characters or fewer")
        ],
        widget=GovTextArea(),
        description="Who you spoke to and what they said. Saved on this alert, which the local authority sees.",
    )
