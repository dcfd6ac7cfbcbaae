"""Forms for editing framework versions (administrators only)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from qa_app.forms import Finite, VersionedForm, WholeNumberField
from qa_app.framework.defaults import THEMES

_finite = Finite("Enter a share between 0 and 1")


def _days(label):
    """A whole number of days, from 1 to three years."""
    return WholeNumberField(
        label,
        widget=GovTextInput(),
        validators=[InputRequired("Enter a number of days"), NumberRange(1, 1095)],
    )


class CopyVersionForm(FlaskForm):
    """Copy a version into a new draft."""

    name = StringField(
        "New version name",
        widget=GovTextInput(),
        description="Usually the school year, like 2026-2027.",
        validators=[InputRequired("Enter a name for the new version"), Length(max=40)],
    )
    title = StringField("Title", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    submit = SubmitField("Copy into a new draft", widget=GovSubmitInput())


class CriterionForm(VersionedForm):
    """Add or change a criterion of a draft version (a change carries the version it read)."""

    theme = SelectField("Theme", widget=GovSelect(), choices=list(THEMES), validators=[Optional()])

    def for_version(self, version):
        """The version's own themes (or areas) to choose from."""
        self.theme.choices = list(version.themes.items())
        return self

    text = TextAreaField(
        "Criterion",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the criterion"), Length(max=300)],
    )
    guidance = TextAreaField(
        "Guidance: what evidence to look for",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=2000)],
    )
    critical = BooleanField("Critical: a 'not met' makes the theme Red", widget=GovCheckboxInput())
    submit = SubmitField("Save criterion", widget=GovSubmitInput())


class MoveForm(FlaskForm):
    """Move a criterion up or down within its theme."""

    direction = HiddenField(validators=[AnyOf(["-1", "1"])])


class ConfirmForm(FlaskForm):
    """A button that changes state (publish, retire): CSRF only."""


class RulesForm(VersionedForm):
    """The rating thresholds of a draft version (docs/domain.md §2.2 and 2.5)."""

    theme_red_not_met_fraction = DecimalField(
        "Theme is Red when this share of judged criteria is not met (0 to 1)",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a share between 0 and 1"),
            _finite,
            NumberRange(0.01, 1),
        ],
    )
    insufficient_not_seen_fraction = DecimalField(
        "Theme has insufficient evidence when more than this share is not seen (0 to 1)",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter a share between 0 and 1"),
            _finite,
            NumberRange(0, 1),
        ],
    )
    overall_red_if_theme_red = SelectMultipleField(
        "Overall is Red when any of these themes is Red",
        widget=GovCheckboxesInput(),
        choices=list(THEMES),
        validators=[Optional()],
    )
    overall_red_theme_count = WholeNumberField(
        "Overall is Red when this many themes or more are Red",
        message="Enter how many Red themes make the overall rating Red, as a whole number",
        widget=GovTextInput(),
        validators=[InputRequired("Enter a number of themes"), NumberRange(1, 6)],
    )
    valid_green = _days("Green rating valid for (days)")
    valid_amber = _days("Amber rating valid for (days)")
    next_green = _days("Next visit after Green (days)")
    next_amber = _days("Next visit after Amber (days)")
    next_red = _days("Next visit after Red (days)")
    submit = SubmitField("Save rules", widget=GovSubmitInput())

    def for_version(self, version):
        """Fit the form to the version: its own themes, and no periods of validity for
        school visits (a school has no QA status)."""
        self.overall_red_if_theme_red.choices = list(version.themes.items())
        self.overall_red_theme_count.validators[1] = NumberRange(1, len(version.themes))
        self.themes = version.rules.get("themes")
        if version.kind == "school":
            del self.valid_green
            del self.valid_amber
        return self

    @classmethod
    def from_rules(cls, rules):
        """A form filled from a version's rules."""
        valid = rules.get("valid_days") or {}
        return cls(
            theme_red_not_met_fraction=rules["theme_red_not_met_fraction"],
            insufficient_not_seen_fraction=rules["insufficient_not_seen_fraction"],
            overall_red_if_theme_red=rules["overall_red_if_theme_red"],
            overall_red_theme_count=rules["overall_red_theme_count"],
            valid_green=valid.get("green"),
            valid_amber=valid.get("amber"),
            next_green=rules["next_visit_days"]["green"],
            next_amber=rules["next_visit_days"]["amber"],
            next_red=rules["next_visit_days"]["red"],
        )

    def to_rules(self):
        """The rules dict this form describes (with the version's themes, unchanged)."""
        rules = {
            "theme_red_not_met_fraction": float(self.theme_red_not_met_fraction.data),
            "insufficient_not_seen_fraction": float(self.insufficient_not_seen_fraction.data),
            "overall_red_if_theme_red": list(self.overall_red_if_theme_red.data or []),
            "overall_red_theme_count": self.overall_red_theme_count.data,
            "valid_days": (
                {"green": self.valid_green.data, "amber": self.valid_amber.data}
                if self.valid_green is not None
                else {}
            ),
            "next_visit_days": {
                "green": self.next_green.data,
                "amber": self.next_amber.data,
                "red": self.next_red.data,
            },
        }
        if self.themes:
            rules["themes"] = self.themes
        return rules


class DocumentsForm(VersionedForm):
    """The documents a provider must hold under a draft version, one name a line."""

    mandatory = TextAreaField(
        "Mandatory documents",
        widget=GovTextArea(),
        description="One a line. A provider with one of these out of date for more than 14 days is not quality assured.",
        validators=[Optional(), Length(max=6000)],
    )
    other = TextAreaField(
        "Other documents",
        widget=GovTextArea(),
        description="One a line. Providers keep these in date too, but they do not change the QA status.",
        validators=[Optional(), Length(max=6000)],
    )
    submit = SubmitField("Save documents", widget=GovSubmitInput())

    @classmethod
    def from_documents(cls, documents):
        """A form filled from a version's documents."""
        return cls(
            mandatory="\n".join(d["name"] for d in documents if d["mandatory"]),
            other="\n".join(d["name"] for d in documents if not d["mandatory"]),
        )
