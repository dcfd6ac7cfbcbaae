"""The words of the visit form's fields (labels and hints): the server pages' forms
(visits/forms.py) and the form drawn in the browser (through the offline bundle) both
take them from here, so the two always say the same thing."""

# field (the browser form's name for it) -> (label, hint)
FIELD_WORDS = {
    "visit_date": ("Date of the visit", "For example, 20 11 2026"),
    "visit_type": ("Type of visit", ""),
    "people_met": (
        "People met",
        "Names and roles, for example the headteacher and the designated safeguarding lead.",
    ),
    "pupils_seen": ("Number of pupils seen", ""),
    "theme_note": ("Comment on this theme", ""),
    "insufficient_reason": (
        "If most criteria were not seen, why?",
        "Needed to submit a theme with insufficient evidence.",
    ),
    "strengths": ("Strengths", ""),
    "pupil_voice": ("Pupil voice", "What pupils said about their education here (no names)."),
    "action_description": ("What needs to be done", ""),
    "action_owner": ("Who does it", ""),
    "action_due": ("Due by", "For example, 31 1 2027"),
    "action_note": ("What you found", "Optional: what was done, or why not."),
}

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


def words(field):
    """A WTForms field's label and description (its hint), as keyword arguments."""
    label, hint = FIELD_WORDS[field]
    return {"label": label, "description": hint} if hint else {"label": label}


def field_words():
    """{field: {"label", "hint"}} for the offline bundle."""
    return {name: {"label": label, "hint": hint} for name, (label, hint) in FIELD_WORDS.items()}
