"""A provider's position against the four areas of the DfE's voluntary national standards
for non-school alternative provision: its latest signed-off visit's judgements, counted by
the area each criterion evidences."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from qa_app.extensions import db
from qa_app.framework.defaults import STANDARD_AREAS
from qa_app.visits.models import Judgement


def position_against_standards(provider):
    """[(area label, {rating: count})] from the visit behind the provider's rating, in the
    standards' order; None when it has no signed-off visit or its framework names no areas."""
    if provider.rated_visit_id is None:
        return None
    judgements = db.session.scalars(
        select(Judgement)
        .options(joinedload(Judgement.criterion))
        .where(Judgement.visit_id == provider.rated_visit_id)
    ).all()
    counts = {code: {"met": 0, "partly_met": 0, "not_met": 0, "not_seen": 0} for code in STANDARD_AREAS}
    for judgement in judgements:
        area = judgement.criterion.standard_area
        if area in counts and judgement.rating in counts[area]:
            counts[area][judgement.rating] += 1
    if not any(sum(c.values()) for c in counts.values()):
        return None
    return [(STANDARD_AREAS[code], counts[code]) for code in STANDARD_AREAS]
