"""Forms for the draft report: the provider's comment, and the officer's answer."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from qa_app.forms import VersionedForm


class CommentForm(FlaskForm):
    """A comment on a matter of fact about one criterion."""

    criterion = SelectField(
        "Which criterion is it about?", widget=GovSelect(), validators=[InputRequired("Choose the criterion")]
    )
    text = TextAreaField(
        "What is not accurate, and what is",
        widget=GovTextArea(),
        description="Matters of fact only: the judgement itself is the officer's.",
        validators=[InputRequired("Say what is not accurate, and what is"), Length(max=5000)],
    )
    submit = SubmitField("Send the comment", widget=GovSubmitInput())


class NoCommentsForm(FlaskForm):
    """The provider has no (more) comments."""

    submit = SubmitField("We have no more comments", widget=GovSubmitInput(), render_kw={})


class AnswerCommentForm(VersionedForm):
    """The officer's answer: accepted (with the judgement as it should be) or not (why)."""

    outcome = RadioField(
        "Is the comment accepted?",
        widget=GovRadioInput(),
        choices=[("accepted", "Accepted: change the judgement"), ("not_accepted", "Not accepted")],
        validators=[InputRequired("Choose whether the comment is accepted")],
    )
    rating = SelectField("Judgement, if accepted", widget=GovSelect(), validators=[Optional()])
    evidence = TextAreaField(
        "Evidence, if accepted",
        widget=GovTextArea(),
        description="Needed for anything but Met.",
        validators=[Optional(), Length(max=5000)],
    )
    response = TextAreaField(
        "Your answer to the provider",
        widget=GovTextArea(),
        description="Needed when the comment is not accepted. The provider sees it.",
        validators=[Optional(), Length(max=5000)],
    )
    submit = SubmitField("Save the answer", widget=GovSubmitInput())
