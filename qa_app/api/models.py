"""What the API answers, as pydantic models, for its OpenAPI document.

Requests are read with the features' own models (`visits.schemas.VisitBody`); these
describe the answers, so that a tool can check every answer against the document.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from qa_app.placements.schemas import EndBody, ReviewBody
from qa_app.visits.schemas import ActionItem, Judgement, RegistrationEvidence


class Answer(BaseModel):
    """Answers may grow new fields; clients ignore what they do not know."""

    model_config = ConfigDict(extra="allow")


class Problem(Answer):
    """Every error: a machine-readable `error`, a sentence, and for bad input each field."""

    error: str
    message: str
    fields: dict[str, str] | None = None


class SessionUser(Answer):
    id: int
    name: str
    email: str
    role: str
    # A school user's school; None for the authority's staff (docs/domain.md §3).
    school_id: int | None = None


class Session(Answer):
    """Who is signed in, and the CSRF token for the next writes."""

    user: SessionUser
    csrf_token: str


# A visit is to a provider or to a school, never both: the rule, for tools that read the document.
ONE_PLACE_VISITED = {
    "oneOf": [
        {
            "title": "A visit to a provider",
            "properties": {"provider_id": {"type": "integer"}, "school_id": {"type": "null"}},
            "required": ["provider_id"],
        },
        {
            "title": "A visit to a school",
            "properties": {"provider_id": {"type": "null"}, "school_id": {"type": "integer"}},
            "required": ["school_id", "placement_checks"],
        },
    ]
}


class VisitAnswer(Answer):
    """A stored visit with what the server worked out: version, ratings, why, registration test.

    A visit is to a provider or to a school. A provider visit has `provider_id` and no
    `school_id` (absent or null); a school visit has `school_id`, `provider_id` null, and the
    officer's `placement_checks` of the school's placements."""

    model_config = ConfigDict(extra="allow", json_schema_extra=ONE_PLACE_VISITED)

    uuid: str
    version: int
    provider_id: int | None
    school_id: int | None = None
    visit_date: str
    visit_type: str
    framework_version: str
    status: str
    people_met: str
    pupils_seen: int | None
    judgements: list[Judgement]
    theme_notes: dict[str, str]
    insufficient_reasons: dict[str, str]
    strengths: str
    pupil_voice: str
    actions: list[ActionItem]
    action_outcomes: dict[str, str]
    action_notes: dict[str, str]
    return_comment: str
    theme_rag: dict[str, str | None]
    overall_rag: str | None
    why: dict[str, Any]
    registration_evidence: RegistrationEvidence
    registration_test: dict[str, Any] | None
    # A school visit's checks of the school's placements, by placement uuid.
    placement_checks: dict[str, dict[str, Any]] | None = None
    # In the offline bundle: the name of the provider or school visited, and a school
    # visit's placements to check.
    provider_name: str | None = None
    school_name: str | None = None
    placements: list[dict[str, Any]] | None = None


class ConflictAnswer(Problem):
    """A stale If-Match (`error` is `conflict`), or a submitted visit that can no longer
    change: the caller's copy is kept as `conflict_id`; `current` is the stored visit."""

    error: Literal["conflict", "locked"]

    conflict_id: int | None = None
    current: VisitAnswer | None = None


class InProgressAnswer(Problem):
    """An earlier request with the same Idempotency-Key is still being handled: not a
    conflict and not a failure. Retry with the same key after Retry-After seconds; the
    stored answer comes back then."""

    error: Literal["in_progress"]


class VisitChangeAnswer(Answer):
    """What the change's own PUT would have answered: its status and its body."""

    uuid: str
    idempotency_key: str
    status: int
    body: VisitAnswer | ConflictAnswer | InProgressAnswer | Problem


class VisitChangesAnswer(Answer):
    """An answer for each change sent, in the order sent."""

    answers: list[VisitChangeAnswer]


class Photo(Answer):
    """A stored photo of evidence."""

    uuid: str
    visit_uuid: str
    criterion: str | None
    caption: str
    sha256: str
    content_type: str
    byte_size: int
    width: int
    height: int
    url: str


class Bundle(Answer):
    """What a tablet keeps for visits with no signal."""

    generated_at: str
    user_id: int
    providers: list[dict[str, Any]]
    framework: dict[str, Any] | None
    # Every framework version the visits below keep, by name (the one in force too).
    frameworks: dict[str, dict[str, Any]]
    # The visits this officer may still change, as GET /api/visits/<uuid> shows them.
    visits: list[VisitAnswer]
    labels: dict[str, Any]
    registration_rules: dict[str, Any] | None
    programme: list[dict[str, Any]]


class PlacementAnswer(Answer):
    """A stored placement (docs/domain.md §2.6), its version, and the names of its school and provider."""

    uuid: str
    version: int
    school_id: int
    school_name: str
    pupil_ref: str
    year_group: int
    ehc_plan: bool
    sen_support: bool
    looked_after: bool
    provider_id: int
    provider_name: str
    commissioned_by: str
    reason: str
    start_date: str
    planned_end_date: str
    days_per_week: int
    hours_per_week: float
    weeks_per_year: int
    daytime: bool
    main_education: bool
    part_time: bool
    part_time_reason: str
    part_time_review_date: str | None
    attendance_code: str
    safeguarding_confirmation_received: str | None
    objectives: str
    reintegration_timeline: str
    placing_reason: str
    provider_status_when_placed: str
    reviews: list[ReviewBody]
    end: EndBody | None
    created_at: str
    updated_at: str


class PlacementList(Answer):
    """The placements the caller may see that match the query, newest start first."""

    placements: list[PlacementAnswer]


class PlacementConflictAnswer(Problem):
    """A stale If-Match: the caller's copy is kept as `conflict_id`; `current` is the stored placement."""

    error: Literal["conflict"]
    conflict_id: int | None = None
    current: PlacementAnswer | None = None
