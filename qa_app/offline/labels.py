"""The words and flags the offline form shows (docs/domain.md §4), taken from the constants
the server uses, so that the tablet never keeps its own copy of them; the offline bundle
carries them."""

from qa_app.framework.rating import RATINGS
from qa_app.placements.overdue import OVERDUE
from qa_app.registration.law import RESULT_LABELS
from qa_app.visits.form_words import OUTCOMES, SECTIONS, field_words
from qa_app.visits.models import ACTION_OWNERS, PLACEMENT_CHECKS, VISIT_TYPES, Action

# The registration check's yes/no questions about each pupil, in the form's order, with
# the answer a new row starts with (the API's defaults for a pupil, visits/schemas.py Pupil).
PUPIL_FLAGS = (
    ("daytime", "Daytime", True),
    ("ehc_plan", "EHC plan", False),
    ("looked_after", "Looked after", False),
    ("sen", "SEN", False),
    ("main_education", "Main education", True),
)


# A school visit's own section (docs/domain.md §2.7), unless the server's pages name it.
SCHOOL_SECTIONS = {"placements": "Placements"}
# The answers to a placement check (visits/schemas.py PlacementCheck).
PLACEMENT_ANSWERS = {"yes": "Yes", "no": "No", "not_applicable": "Not applicable"}
NOT_APPLICABLE_FOR = "part_time_reviewed"


def _choices(labels, default=None):
    """{code: label} as a list: JSON objects lose their order (jsonify sorts keys)."""
    return [
        {"code": code, "label": label} | ({"default": code == default} if default else {})
        for code, label in labels.items()
    ]


def form_labels():
    """The words and flags the offline form shows, from the constants the server uses,
    so that the tablet never keeps its own copy of them."""
    return {
        # save_visit's rule: a rating other than Met needs evidence.
        "ratings": [
            {"code": code, "label": label, "evidence_required": code != "met"}
            for code, label in RATINGS.items()
        ],
        "visit_types": _choices(VISIT_TYPES),
        # A new action is the provider's unless someone says otherwise (Action.owner).
        "action_owners": _choices(ACTION_OWNERS, default=Action.owner.default.arg),
        "registration_results": _choices(RESULT_LABELS),
        "pupil_flags": [{"code": code, "label": label, "default": on} for code, label, on in PUPIL_FLAGS],
        "fields": field_words(),
        "sections": [
            {"code": code, "label": label} for code, label in {**SCHOOL_SECTIONS, **dict(SECTIONS)}.items()
        ],
        "outcomes": [{"code": code, "label": label} for code, label in OUTCOMES],
        # A school visit's questions about each placement (docs/domain.md §2.7), each with its
        # answers: "not applicable" only for a part-time timetable's review.
        "placement_checks": [
            {
                "code": code,
                "label": label,
                "answers": _choices(
                    {
                        k: v
                        for k, v in PLACEMENT_ANSWERS.items()
                        if k != "not_applicable" or code == NOT_APPLICABLE_FOR
                    }
                ),
            }
            for code, label in PLACEMENT_CHECKS.items()
        ],
        "overdue": _choices(OVERDUE),
    }
