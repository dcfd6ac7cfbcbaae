"""A placement as the API shows it (docs/domain.md §3): made in one place, from the model,
in the shape `PlacementBody` reads back."""

from qa_app.placements.schemas import PlacementBody
from qa_app.placements.services import FIELDS, REVIEW_FIELDS
from qa_app.schemas import read


def _plain(value):
    """A column's value as JSON: dates as ISO text, 25.0 hours as 25."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value.isoformat() if hasattr(value, "isoformat") else value


def placement_as_json(placement):
    """The placement as `GET /api/placements/<uuid>` returns it, with its version."""
    end = None
    if placement.ended_on is not None:
        end = {
            "date": placement.ended_on.isoformat(),
            "destination": placement.destination,
            "pupil_assessment": placement.pupil_assessment,
        }
    return {
        "uuid": placement.uuid,
        "version": placement.version,
        **{name: _plain(getattr(placement, name)) for name in FIELDS},
        "reviews": [{name: _plain(getattr(r, name)) for name in REVIEW_FIELDS} for r in placement.reviews],
        "end": end,
        "school_name": placement.school.name,
        "provider_name": placement.provider.name,
        "provider_status_when_placed": placement.provider_status_when_placed,
        "created_at": placement.created_at.isoformat(timespec="seconds"),
        "updated_at": placement.updated_at.isoformat(timespec="seconds"),
    }


def stored_body(placement, **changes):
    """The stored placement as a PlacementBody with `changes` laid over it: how a page that
    edits one part (a review, the end) builds the whole change it saves."""
    return read(PlacementBody, {**placement_as_json(placement), **changes})
