"""The visit's JSON contract (docs/domain.md §3) as pydantic models.

`VisitBody` is the body of `PUT /api/visits/<uuid>`; `VisitBody.to_change()` turns it
into the `VisitChange` that the HTML pages also build, so one save path applies both.
The same models describe the API in its OpenAPI document (`qa_app.api.openapi`).
Shapes and types are checked here; the domain rules (evidence needed, dates, what blocks
submission) are checked by `visits.saving`.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
)

from qa_app.framework.defaults import ALL_THEME_CODES
from qa_app.framework.rating import RATINGS
from qa_app.schemas import (
    MAX_ID,
    IsoDate,
    Strict,
    between,
    required,
    text,
)
from qa_app.visits.models import ACTION_OWNERS, VISIT_TYPES

# Anchored: pydantic's pattern matches anywhere in the text ("12a" would pass unanchored).
ACTION_ID = re.compile(r"^[0-9]{1,18}$")


Rating = Literal[tuple(RATINGS)]
ThemeCode = Literal[ALL_THEME_CODES]
VisitType = Literal[tuple(VISIT_TYPES)]
Owner = Literal[tuple(ACTION_OWNERS)]
CheckAnswer = Literal["yes", "no", "not_applicable"] | None


Hours = between(0, 60, whole=False)


class Judgement(Strict):
    """One criterion judged, with its evidence (needed for anything but met)."""

    criterion: Annotated[StrictStr, Field(min_length=1, max_length=8)]
    rating: Rating
    evidence: text() = ""


class ActionItem(Strict):
    """Something for the provider or the authority to put right, by a date."""

    description: Annotated[text(2000), AfterValidator(lambda text: required(text, "Describe the action"))]
    owner: Owner = "provider"
    due: IsoDate = None


REF_NEEDED = "Give each pupil a reference such as P1 (never a name)"


class Pupil(Strict):
    """A pupil in the registration check, by reference only (never a name)."""

    ref: Annotated[text(20), AfterValidator(lambda ref: required(ref, REF_NEEDED))]
    hours_per_week: Hours
    weeks_per_year: between(0, 52) = 38
    daytime: StrictBool = True
    ehc_plan: StrictBool = False
    looked_after: StrictBool = False
    sen: StrictBool = False
    main_education: StrictBool = True


class RegistrationEvidence(Strict):
    """The registration check's evidence: how many pupils, each by reference, and the sites."""

    pupil_count: between(0, 1000) | None = None
    pupils: Annotated[list[Pupil], Field(max_length=200)] = []
    sites: Annotated[list[text(300)], Field(max_length=20)] = []

    def as_stored(self):
        """The evidence as the visit stores it (blank sites dropped)."""
        data = self.model_dump()
        data["sites"] = [site for site in self.sites if site]
        return data


class PlacementCheck(Strict):
    """What the officer found of one of the school's placements on a school visit."""

    record_complete: CheckAnswer = None
    provider_qa_when_placed: CheckAnswer = None
    confirmation_held: CheckAnswer = None
    part_time_reviewed: CheckAnswer = None
    note: text(2000) = ""

    def as_stored(self):
        return {key: value for key, value in self.model_dump().items() if value}


class VisitBody(Strict):
    """The body of `PUT /api/visits/<uuid>`: the whole visit as the tablet has it. A visit
    is to a provider (`provider_id`) or to a school (`school_id`, docs/domain.md §2.7)."""

    provider_id: between(1, MAX_ID) | None = None
    school_id: between(1, MAX_ID) | None = None
    visit_date: Annotated[IsoDate, Field(json_schema_extra={"format": "date"})]
    visit_type: VisitType = "scheduled"
    framework_version: text(40) = ""
    status: Literal["draft", "submitted"] = "draft"
    people_met: text(2000) = ""
    pupils_seen: between(0, 1000) | None = None
    judgements: Annotated[list[Judgement], Field(max_length=200)] = []
    theme_notes: dict[ThemeCode, text()] = {}
    insufficient_reasons: dict[ThemeCode, text()] = {}
    strengths: text() = ""
    pupil_voice: text() = ""
    actions: Annotated[list[ActionItem], Field(max_length=50)] = []
    action_outcomes: dict[
        Annotated[StrictStr, Field(pattern=ACTION_ID.pattern)], Literal["done", "not_done"] | None
    ] = {}
    # What the officer found of each earlier action, beside its outcome.
    action_notes: dict[Annotated[StrictStr, Field(pattern=ACTION_ID.pattern)], text()] = {}
    registration_evidence: RegistrationEvidence | None = None
    # A school visit's checks of the school's placements, by placement uuid.
    placement_checks: Annotated[
        dict[Annotated[StrictStr, Field(max_length=36)], PlacementCheck], Field(max_length=500)
    ] = {}
    # What the server adds to its answers; a client may send them back unchanged.
    uuid: StrictStr | None = None
    version: StrictInt | None = None
    theme_rag: dict | None = None
    overall_rag: StrictStr | None = None
    why: dict | None = None
    registration_test: dict | None = None
    officer: StrictStr | None = None
    provider_name: StrictStr | None = None
    school_name: StrictStr | None = None
    created_at: StrictStr | None = None
    updated_at: StrictStr | None = None
    submitted_at: StrictStr | None = None
    signed_off_at: StrictStr | None = None
    return_comment: StrictStr | None = None

    def to_change(self):
        """The whole visit as a change: every part is replaced by what the body says."""
        return VisitChange(
            provider_id=self.provider_id,
            school_id=self.school_id,
            framework_version=self.framework_version,
            visit_date=self.visit_date,
            visit_type=self.visit_type,
            people_met=self.people_met,
            pupils_seen=self.pupils_seen,
            set_pupils_seen=True,
            judgements=self.judgements,
            judged_themes=frozenset(ALL_THEME_CODES),
            theme_notes={code: self.theme_notes.get(code, "") for code in ALL_THEME_CODES},
            insufficient_reasons={code: self.insufficient_reasons.get(code, "") for code in ALL_THEME_CODES},
            strengths=self.strengths,
            pupil_voice=self.pupil_voice,
            actions=self.actions,
            action_outcomes={
                str(int(key)): outcome for key, outcome in self.action_outcomes.items() if outcome
            },
            action_notes={
                str(int(key)): note.strip() for key, note in self.action_notes.items() if note.strip()
            },
            registration_evidence=self.registration_evidence or RegistrationEvidence(),
            placement_checks={key: check.as_stored() for key, check in self.placement_checks.items()},
            submit=self.status == "submitted",
        )


@dataclass(frozen=True)
class VisitChange:
    """A typed set of changes to one visit; a part left as None is not changed.

    The pages set the parts their form edits; the API sets them all. `judgements`
    replaces the judgements of the themes in `judged_themes` (a theme page sends one
    theme; the API sends every theme). Error paths such as ``judgements[2].evidence``
    count from the lists given here.
    """

    provider_id: int | None = None
    school_id: int | None = None
    framework_version: str = ""
    visit_date: date | None = None
    visit_type: str | None = None
    people_met: str | None = None
    pupils_seen: int | None = None
    set_pupils_seen: bool = False
    judgements: list[Judgement] = field(default_factory=list)
    judged_themes: frozenset = frozenset()
    theme_notes: dict[str, str] | None = None
    insufficient_reasons: dict[str, str] | None = None
    strengths: str | None = None
    pupil_voice: str | None = None
    actions: list[ActionItem] | None = None
    action_outcomes: dict[str, str] | None = None
    action_notes: dict[str, str] | None = None
    registration_evidence: RegistrationEvidence | None = None
    placement_checks: dict[str, dict] | None = None
    submit: bool = False
