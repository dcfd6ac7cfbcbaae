"""The placement's JSON contract (docs/domain.md §3) as pydantic models, and its rules.

`PlacementBody` is the body of `PUT /api/placements/<uuid>`; the pages and the CSV import
read their input into it too, and `PlacementBody.to_change()` gives the `PlacementChange`
that `services.save_placement` stores. Shapes, ranges and codes are checked by the models;
the rules between fields (dates, sessions, part-time timetables) by `rule_errors`, which
the service applies to every change, whoever made it.
"""

import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictBool, StrictInt, StrictStr

from qa_app.placements.models import ATTENDANCE_CODES, COMMISSIONERS, DECISIONS, DESTINATIONS, REASONS
from qa_app.schemas import MAX_ID, IsoDate, Strict, between, text

# A school year: the longest a placement may be planned for before it is looked at again.
# The latest date a placement may hold: later is a mistyped year (9999 would overflow the
# dates counted from it).
LATEST_DATE = date(2099, 12, 31)
LONGEST_PLAN = timedelta(days=365)
PUPIL_REF = re.compile(r"^[A-Za-z0-9-]{2,20}$")
# Words of letters (a name such as "John Smith" or "Mary-Jane O'Neil"): never a reference.
LOOKS_LIKE_NAME = re.compile(r"^[A-Za-z'’.-]+(\s+[A-Za-z'’.-]+)+$")
# One capitalised word of letters only ("Smith"): a name, not a school's reference.
ONE_NAME = re.compile(r"^[A-Z][a-z'’]+$")
NAME_REFUSED = (
    "looks like a name: use the school's own reference for the pupil (such as Y10-017), never a name"
)
REF_FORMAT = "must be the school's reference: 2 to 20 letters, digits or hyphens, with no spaces"

ShortText = text(2000)
Date = Annotated[IsoDate, Field(json_schema_extra={"format": "date"})]


def pupil_reference(value):
    """The school's reference for a pupil, or ValueError saying why it is not one."""
    if LOOKS_LIKE_NAME.match(value) or ONE_NAME.match(value):
        raise ValueError(NAME_REFUSED)
    if not PUPIL_REF.match(value):
        raise ValueError(REF_FORMAT)
    return value


PupilRef = Annotated[text(40), AfterValidator(pupil_reference)]


class ReviewBody(Strict):
    """A review: attendance since the last one, progress, the views heard and the decision."""

    review_date: Date
    sessions_possible: between(0, 1000)
    sessions_attended: between(0, 1000)
    sessions_unauthorised: between(0, 1000) = 0
    progress: text() = ""
    achievements: text() = ""
    pupil_view: text() = ""
    parent_view: text() = ""
    decision: Literal[tuple(DECISIONS)] = "continue"


class EndBody(Strict):
    """How the placement ended: the date, where the pupil went, and the pupil's own view."""

    date: Date
    destination: Literal[tuple(DESTINATIONS)]
    pupil_assessment: text() = ""


class PlacementBody(Strict):
    """The body of `PUT /api/placements/<uuid>`: the whole placement as the client has it."""

    school_id: between(1, MAX_ID)
    pupil_ref: PupilRef
    year_group: between(0, 14)
    ehc_plan: StrictBool = False
    sen_support: StrictBool = False
    looked_after: StrictBool = False
    provider_id: between(1, MAX_ID)
    commissioned_by: Literal[tuple(COMMISSIONERS)] = "school"
    reason: Literal[tuple(REASONS)]
    start_date: Date
    planned_end_date: Date
    days_per_week: between(0, 5)
    hours_per_week: between(0, 40, whole=False)
    weeks_per_year: between(0, 52) = 38
    daytime: StrictBool = True
    main_education: StrictBool = True
    part_time: StrictBool = False
    part_time_reason: ShortText = ""
    part_time_review_date: Date = None
    attendance_code: Literal[tuple(ATTENDANCE_CODES)] = "B"
    safeguarding_confirmation_received: Date = None
    objectives: text() = ""
    reintegration_timeline: text() = ""
    placing_reason: ShortText = ""
    reviews: Annotated[list[ReviewBody], Field(max_length=200)] = []
    end: EndBody | None = None
    # What the server adds to its answers; a client may send them back unchanged.
    uuid: StrictStr | None = None
    version: StrictInt | None = None
    school_name: StrictStr | None = None
    provider_name: StrictStr | None = None
    provider_status_when_placed: StrictStr | None = None
    created_at: StrictStr | None = None
    updated_at: StrictStr | None = None

    def to_change(self):
        """The whole placement as a change: reviews and end are replaced by what the body says."""
        data = self.model_dump(exclude=SERVER_FIELDS | {"reviews", "end"})
        return PlacementChange(
            **data,
            reviews=tuple(Review(**review.model_dump()) for review in self.reviews),
            end=End(**self.end.model_dump()) if self.end else None,
        )


SERVER_FIELDS = frozenset(
    {"uuid", "version", "school_name", "provider_name", "provider_status_when_placed", "created_at"}
    | {"updated_at"}
)


@dataclass(frozen=True)
class Review:
    """One review as a change carries it."""

    review_date: date | None
    sessions_possible: int
    sessions_attended: int
    sessions_unauthorised: int = 0
    progress: str = ""
    achievements: str = ""
    pupil_view: str = ""
    parent_view: str = ""
    decision: str = "continue"


@dataclass(frozen=True)
class End:
    """The end of a placement as a change carries it."""

    date: date | None
    destination: str
    pupil_assessment: str = ""


@dataclass(frozen=True)
class PlacementChange:
    """A whole placement to store: every field, its reviews (replacing those stored) and
    its end (None while it is open). Error paths such as ``reviews[1].sessions_attended``
    count from the tuple given here."""

    school_id: int
    pupil_ref: str
    year_group: int
    provider_id: int
    reason: str
    start_date: date | None
    planned_end_date: date | None
    days_per_week: int
    hours_per_week: float
    ehc_plan: bool = False
    sen_support: bool = False
    looked_after: bool = False
    commissioned_by: str = "school"
    weeks_per_year: int = 38
    daytime: bool = True
    main_education: bool = True
    part_time: bool = False
    part_time_reason: str = ""
    part_time_review_date: date | None = None
    attendance_code: str = "B"
    safeguarding_confirmation_received: date | None = None
    objectives: str = ""
    reintegration_timeline: str = ""
    placing_reason: str = ""
    reviews: tuple[Review, ...] = ()
    end: End | None = None

    def as_json(self):
        """The change as the API's JSON (dates as ISO text): what a losing copy keeps."""
        return _json(asdict(self))


def _json(value):
    """Dates in a dumped change as ISO text, all the way down."""
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


# -- the rules between fields ----------------------------------------------------------------


def _far_future_errors(change, errors):
    """Any date of the placement after LATEST_DATE (a mistyped year such as 9999)."""
    dates = {
        "start_date": change.start_date,
        "planned_end_date": change.planned_end_date,
        "part_time_review_date": change.part_time_review_date,
        "safeguarding_confirmation_received": change.safeguarding_confirmation_received,
        "end.date": change.end.date if change.end else None,
    }
    dates |= {f"reviews[{i}].review_date": review.review_date for i, review in enumerate(change.reviews)}
    for path, day in dates.items():
        if day is not None and day > LATEST_DATE:
            errors[path] = f"must be a date before {LATEST_DATE.year + 1}: check the year"


def _date_errors(change, errors):
    """The start and the planned end: both given, in order, within a school year."""
    _far_future_errors(change, errors)
    if errors:
        return
    start, planned = change.start_date, change.planned_end_date
    if start is None:
        errors["start_date"] = "Enter the start date (a date like 2026-11-02)"
    if planned is None:
        errors["planned_end_date"] = "Enter the planned end date: every placement is time-limited"
    if start is None or planned is None:
        return
    if planned < start:
        errors["planned_end_date"] = "The planned end date must be on or after the start date"
    elif planned > start + LONGEST_PLAN:
        errors["planned_end_date"] = (
            "The planned end date must be within a school year (365 days) of the start: "
            "plan a review and extend the placement then"
        )


def _part_time_errors(change, errors):
    """A part-time timetable needs its reason and its review date."""
    if not change.part_time:
        return
    if not change.part_time_reason:
        errors["part_time_reason"] = "Give the reason for the part-time timetable"
    if change.part_time_review_date is None:
        errors["part_time_review_date"] = "Enter the date the part-time timetable will be reviewed"


def _review_errors(change, today, errors):
    """Each review: dated from the start to today, its sessions adding up."""
    start = change.start_date
    for index, review in enumerate(change.reviews):
        path = f"reviews[{index}]"
        if review.review_date is None:
            errors[f"{path}.review_date"] = "Enter the date of the review"
        elif start and review.review_date < start:
            errors[f"{path}.review_date"] = "A review cannot be dated before the placement's start"
        elif review.review_date > today:
            errors[f"{path}.review_date"] = "A review cannot be dated in the future"
        if review.sessions_attended > review.sessions_possible:
            errors[f"{path}.sessions_attended"] = (
                f"{review.sessions_attended} sessions attended is more than the "
                f"{review.sessions_possible} possible"
            )
        elif review.sessions_unauthorised > review.sessions_possible - review.sessions_attended:
            errors[f"{path}.sessions_unauthorised"] = (
                "Unauthorised absences cannot be more than the sessions possible less those attended "
                f"({review.sessions_possible - review.sessions_attended})"
            )


def _end_errors(change, today, errors):
    """The end: dated, not before the start and not in the future."""
    end = change.end
    if end is None:
        return
    if end.date is None:
        errors["end.date"] = "Enter the date the placement ended"
    elif change.start_date and end.date < change.start_date:
        errors["end.date"] = "The placement cannot end before its start date"
    elif end.date > today:
        errors["end.date"] = "Record the end on or after the day it happens, not before"


def rule_errors(change, today):
    """The rules between a change's fields, as {field path: message}; empty when it may be saved."""
    errors = {}
    _date_errors(change, errors)
    _part_time_errors(change, errors)
    _review_errors(change, today, errors)
    _end_errors(change, today, errors)
    return errors
