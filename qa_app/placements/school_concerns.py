"""Which schools have pupils at providers of concern (DESIGN.md 2.7): a school with an open
placement at a provider that is not quality assured, or not known to be registered, is due
a visit first. Registered with visits.school_programme, which lists schools beside providers but
stands below placements."""

from collections import defaultdict

from sqlalchemy import func, select

from qa_app.extensions import db
from qa_app.framework.rating import QA_STATUSES
from qa_app.placements.lists import NOT_KNOWN_REGISTERED, concern
from qa_app.placements.models import Placement
from qa_app.providers.models import Provider
from qa_app.providers.search import qa_status_sql
from qa_app.visits import school_programme

REGISTRATION_WORDS = {"unregistered": "unregistered", "not_known": "registration not known"}


def concerns_of(school_ids, today):
    """{school id: why it is due first} for the schools of `school_ids` (a select of ids)
    with open placements at providers of concern (one grouped query)."""
    rows = db.session.execute(
        select(
            Placement.school_id,
            Provider.name,
            qa_status_sql(today).label("qa_status"),
            Provider.registration_status,
            func.count(Placement.id).label("pupils"),
        )
        .join(Provider, Placement.provider_id == Provider.id)
        .where(Placement.school_id.in_(school_ids), Placement.ended_on.is_(None), concern(today) == 1)
        .group_by(Placement.school_id, Provider.id)
        .order_by(Placement.school_id, func.lower(Provider.name))
    ).all()
    found = defaultdict(list)
    for school_id, name, qa_status, registration, pupils in rows:
        why = [QA_STATUSES[qa_status].lower()] if qa_status != "quality_assured" else []
        if registration in NOT_KNOWN_REGISTERED:
            why.append(REGISTRATION_WORDS[registration])
        found[school_id].append(
            f"{pupils} {'pupil' if pupils == 1 else 'pupils'} at {name} ({', '.join(why)})"
        )
    return {
        school_id: "Open placements at providers of concern: " + "; ".join(parts)
        for school_id, parts in found.items()
    }


if concerns_of not in school_programme.school_concerns:
    school_programme.school_concerns.append(concerns_of)
