"""The read log's search form (a GET form: person, record and dates)."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Email, Length, Optional, ValidationError

from qa_app.audit.models import ACTIONS, KINDS


class ReadSearchForm(FlaskForm):
    """Who read, what, and between which dates (each optional)."""

    class Meta:
        csrf = False

    person = StringField("Person's email address", validators=[Optional(), Length(max=254), Email()])
    kind = SelectField("Kind of record", choices=[("", "Any")] + list(KINDS.items()), validators=[Optional()])
    record = StringField("Record's number or reference", validators=[Optional(), Length(max=64)])
    action = SelectField("Action", choices=[("", "Any")] + list(ACTIONS.items()), validators=[Optional()])
    since = DateField("From (date)", validators=[Optional()])
    until = DateField("To (date)", validators=[Optional()])

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The 'to' date must be on or after the 'from' date")
