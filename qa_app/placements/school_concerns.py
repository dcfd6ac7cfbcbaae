"""Which schools have pupils at providers of concern (docs/domain.md §2.7): a school with an open
placement at a provider that is not quality assured, or not known to be registered, is due
a visit first; its reason counts them and names the few with the most pupils. It answers
the schools_of_concern signal, which visits.school_programme sends: the programme lists
schools beside providers but stands below placements."""

from collections import defaultdict

from sqlalchemy import func, select

from qa_app.extensions import db
from qa_app.framework.rating import ASSURED, QA_STATUSES
from qa_app.kept_figures import kept
from qa_app.placements.lists import concern
from qa_app.placements.models import Placement
from qa_app.placements.placing import NOT_KNOWN_REGISTERED
from qa_app.providers.models import Provider
from qa_app.providers.search import qa_status_sql
from qa_app.signals import schools_of_concern

REGISTRATION_WORDS = {"unregistered": "unregistered", "not_known": "registration not known"}


# The providers of concern a school's reason names; the rest are counted.
NAMED = 3


def concerns_of(school_ids, today):
    """{school id: why it is due first} for the schools of `school_ids` (a collection of
    ids) with open placements at providers of concern: how many providers, and the NAMED
    with the most pupils. Worked out for every school at once (one query, at most NAMED rows
    a school) and kept until a placement, provider or school changes."""
    every_school = kept("schools_of_concern", today, lambda: _concerns_of_every_school(today))
    return {school_id: every_school[school_id] for school_id in school_ids if school_id in every_school}


def _concerns_of_every_school(today):
    """concerns_of for every school. The providers of concern are found first (a few
    thousand rows at most) and the open placements at them counted from an index by school
    and provider, without reading the placements' rows."""
    ranked = _ranked(today)
    rows = db.session.execute(
        select(
            ranked.c.school_id,
            ranked.c.pupils,
            ranked.c.providers,
            Provider.name,
            qa_status_sql(today).label("qa_status"),
            Provider.registration_status,
        )
        .join(Provider, Provider.id == ranked.c.provider_id)
        .where(ranked.c.rank <= NAMED)
        .order_by(ranked.c.school_id, ranked.c.rank)
    ).all()
    found, providers = defaultdict(list), {}
    for row in rows:
        why = [QA_STATUSES[row.qa_status].lower()] if row.qa_status not in ASSURED else []
        if row.registration_status in NOT_KNOWN_REGISTERED:
            why.append(REGISTRATION_WORDS[row.registration_status])
        found[row.school_id].append(
            f"{row.pupils} {'pupil' if row.pupils == 1 else 'pupils'} at {row.name} ({', '.join(why)})"
        )
        providers[row.school_id] = row.providers
    return {school_id: _reason(parts, providers[school_id]) for school_id, parts in found.items()}


def _ranked(today):
    """Subquery: for each school and each provider of concern with open placements
    there, the pupils placed, the provider's rank by pupils and the school's count of them."""
    pupils = func.count(Placement.id)
    of_concern = select(Provider.id).where(concern(today) == 1)
    counted = (
        select(Placement.school_id, Placement.provider_id, pupils.label("pupils"))
        .where(Placement.ended_on.is_(None), Placement.provider_id.in_(of_concern))
        .group_by(Placement.school_id, Placement.provider_id)
        .subquery()
    )
    return (
        select(
            counted,
            func.row_number()
            .over(
                partition_by=counted.c.school_id,
                order_by=(counted.c.pupils.desc(), func.lower(Provider.name)),
            )
            .label("rank"),
            func.count().over(partition_by=counted.c.school_id).label("providers"),
        )
        .join(Provider, Provider.id == counted.c.provider_id)
        .subquery()
    )


def _reason(parts, providers):
    """'Open placements at N providers of concern: the first few; and M more'."""
    more = providers - len(parts)
    at = "a provider" if providers == 1 else f"{providers} providers"
    return f"Open placements at {at} of concern: " + "; ".join(parts) + (f"; and {more} more" if more else "")


schools_of_concern.connect(concerns_of)
