"""A visit report as plain data (docs/domain.md §2.5, §2.7): what reports.content gathers from
the database and reports.pdf draws, each part a dataclass of plain values."""

from dataclasses import dataclass, field
from datetime import date

from qa_app.framework.rating import RATINGS

EDITIONS = {"internal": "Internal edition", "provider": "Provider edition"}
# What each edition is called in a school visit's report: the school reads the "provider" one.
SCHOOL_EDITIONS = {"internal": "Internal edition", "provider": "School edition"}
OUTCOMES = {"done": "Done", "not_done": "Not done"}
ANSWERS = {"yes": "Yes", "no": "No", "not_applicable": "Not applicable"}


@dataclass(frozen=True)
class CriterionEntry:
    """One criterion with the officer's judgement (rating None when not judged)."""

    code: str
    text: str
    critical: bool
    rating: str | None
    evidence: str

    @property
    def rating_label(self):
        return RATINGS[self.rating] if self.rating else "Not judged"


@dataclass(frozen=True)
class PhotoEntry:
    """A photo of evidence; `data` (its JPEG) is None when it is not in the database."""

    caption: str
    criterion: str | None
    data: bytes | None


@dataclass
class ThemeEntry:
    """One theme of the framework: its rating, why, criteria, comment and photos."""

    code: str
    name: str
    rag: str | None
    why: list
    insufficient_reason: str
    comment: str
    criteria: list
    photos: list = field(default_factory=list)


@dataclass(frozen=True)
class ActionEntry:
    """An action with its owner and due date; `outcome` for earlier visits' actions."""

    description: str
    owner: str
    due: date | None
    outcome: str = ""


@dataclass(frozen=True)
class PlacementCheckEntry:
    """One placement a school visit checked: the pupil by reference only, the provider,
    and each check's answer ({check label: answer}) with the officer's note."""

    pupil_ref: str
    year_group: int
    provider: str
    dates: str
    answers: dict
    note: str


@dataclass
class InternalSection:
    """What only the authority may read, so that provider_edition() drops it all: internal
    notes, the registration check and any escalation."""

    provider_notes: str = ""
    suspended_reason: str = ""
    return_comment: str = ""
    registration_check: list = field(default_factory=list)
    escalation: str = ""


@dataclass
class VisitReport:
    """Everything a visit report shows, as plain values."""

    authority: str
    reference: str
    edition: str
    draft: bool
    status: str
    produced_on: date
    provider_name: str
    provider_address: str
    registration: str
    contact: str
    visit_date: date
    visit_type: str
    officer: str
    people_met: str
    pupils_seen: int | None
    framework: str
    sign_off: str
    overall_rag: str | None
    overall_why: list
    judged: int
    themes: list
    strengths: str
    pupil_voice: str
    actions: list
    previous_actions: list
    other_photos: list
    internal: InternalSection | None
    # "provider" or "school": who was visited. A school visit's report gives the school's
    # URN and borough and the placements checked.
    kind: str = "provider"
    urn: str = ""
    borough: str = ""
    placements: list = field(default_factory=list)
    # What came of the provider's comments on the draft, in a sentence ("" if not shared).
    factual_accuracy: str = ""

    @property
    def edition_label(self):
        return (SCHOOL_EDITIONS if self.kind == "school" else EDITIONS)[self.edition]
