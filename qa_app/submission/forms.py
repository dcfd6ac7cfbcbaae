"""The submit form at the end of check answers."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput
from wtforms import BooleanField
from wtforms.validators import DataRequired

from qa_app.forms import VersionedForm


class SubmitForm(VersionedForm):
    """The officer confirms, having read what happens next, that the visit is ready."""

    confirmed = BooleanField(
        "The visit is ready: lock it and send it to the Head of Access",
        widget=GovCheckboxInput(),
        validators=[DataRequired("Confirm that the visit is ready to be locked and sent")],
    )
