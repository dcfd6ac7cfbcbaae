"""The words of the visit form's fields (labels and hints), read from the page forms, so
the form drawn in the browser says exactly what the server pages say."""

from qa_app.visits.forms import ActionForm, DetailsForm, StrengthsForm, ThemeFields

# (field name in the browser form, form class, attribute): the API's field names.
FIELDS = (
    ("visit_date", DetailsForm, "visit_date"),
    ("visit_type", DetailsForm, "visit_type"),
    ("people_met", DetailsForm, "people_met"),
    ("pupils_seen", DetailsForm, "pupils_seen"),
    ("theme_note", ThemeFields, "note"),
    ("insufficient_reason", ThemeFields, "insufficient_reason"),
    ("strengths", StrengthsForm, "strengths"),
    ("pupil_voice", StrengthsForm, "pupil_voice"),
    ("action_description", ActionForm, "description"),
    ("action_owner", ActionForm, "owner"),
    ("action_due", ActionForm, "due"),
)


def field_words():
    """{field: {"label", "hint"}} from the forms' own (unbound) fields."""
    words = {}
    for name, form, attribute in FIELDS:
        unbound = getattr(form, attribute)
        label = unbound.args[0] if unbound.args else unbound.kwargs.get("label", "")
        words[name] = {"label": label, "hint": unbound.kwargs.get("description", "")}
    return words


# The task list's sections in order, as progress.task_list titles them; the themes come
# between the details and the registration check.
SECTIONS = (
    ("details", "Visit details"),
    ("registration", "Registration check"),
    ("strengths", "Strengths and pupil voice"),
    ("actions", "Areas for development (actions)"),
    ("previous-actions", "Actions from the last visit"),
    ("check", "Check answers"),
)

# How an open action of an earlier visit was found (VisitBody.action_outcomes).
OUTCOMES = (("done", "Done"), ("not_done", "Not done"))
