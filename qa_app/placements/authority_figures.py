"""The authority's figures on `/placements` (docs/domain.md §2.6): its open placements counted
by reason, commissioner, EHC plan, SEN support and looked after, and the providers of concern
with the most pupils first; each in one or two queries, however many placements there are,
and kept until a placement, provider or school changes (qa_app/kept_figures.py)."""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import case, func, select

from qa_app.extensions import db
from qa_app.kept_figures import kept
from qa_app.placements.lists import CONCERNS_SHOWN, concern, scoped
from qa_app.placements.models import COMMISSIONERS, REASONS, Placement
from qa_app.placements.scopes import scope_key
from qa_app.providers.models import Provider
from qa_app.providers.search import qa_status_sql


@dataclass
class AuthorityCounts:
    """The authority's counts of open placements (docs/domain.md §2.6)."""

    pupils: int
    by_reason: dict
    by_commissioner: dict
    ehc_plan: int
    sen_support: int
    looked_after: int


def authority_counts(user, filters, today):
    """Open placements by reason, commissioner, EHC plan, SEN support and looked after
    (one grouped query: at most a few hundred rows, whatever the number of placements)."""
    return kept(
        "authority_counts",
        (scope_key(user), filters.key(), today),
        lambda: _authority_counts(user, filters, today),
    )


def _authority_counts(user, filters, today):
    query = select(
        Placement.reason,
        Placement.commissioned_by,
        Placement.ehc_plan,
        Placement.sen_support,
        Placement.looked_after,
        func.count(Placement.id),
    ).group_by(
        Placement.reason,
        Placement.commissioned_by,
        Placement.ehc_plan,
        Placement.sen_support,
        Placement.looked_after,
    )
    reasons, commissioners, flags, total = Counter(), Counter(), Counter(), 0
    for reason, commissioner, ehc, sen, looked_after, n in db.session.execute(
        scoped(query, user, filters, today, open_only=True)
    ):
        total += n
        reasons[reason] += n
        commissioners[commissioner] += n
        flags.update(
            {
                "ehc_plan": n if ehc else 0,
                "sen_support": n if sen else 0,
                "looked_after": n if looked_after else 0,
            }
        )
    return AuthorityCounts(
        pupils=total,
        by_reason={code: reasons[code] for code in REASONS if reasons[code]},
        by_commissioner={code: commissioners[code] for code in COMMISSIONERS},
        ehc_plan=flags["ehc_plan"],
        sen_support=flags["sen_support"],
        looked_after=flags["looked_after"],
    )


@dataclass
class Concerns:
    """Open placements at providers of concern: how many providers and schools are placed
    with, how many of the providers are of concern, and the first few of those."""

    providers: int
    schools: int
    providers_of_concern: int
    first: list


def concerns(user, filters, today):
    """The spread of open placements and the providers of concern with the most pupils first
    (two queries, at most CONCERNS_SHOWN rows, however large the authority). Which providers
    are of concern is worked out once per provider, not once per placement."""
    return kept("concerns", (scope_key(user), filters.key(), today), lambda: _concerns(user, filters, today))


def _concerns(user, filters, today):
    of_concern = Placement.provider_id.in_(select(Provider.id).where(concern(today) == 1))
    spread = select(
        func.count(func.distinct(Placement.provider_id)),
        func.count(func.distinct(Placement.school_id)),
        func.count(func.distinct(case((of_concern, Placement.provider_id)))),
    )
    providers, schools, of_concern_count = db.session.execute(
        scoped(spread, user, filters, today, open_only=True)
    ).one()
    counted = (
        select(
            Placement.provider_id,
            func.count(Placement.id).label("pupils"),
            func.count(func.distinct(Placement.school_id)).label("schools"),
        )
        .where(of_concern)
        .group_by(Placement.provider_id)
        .order_by(func.count(Placement.id).desc(), Placement.provider_id)
        .limit(CONCERNS_SHOWN)
    )
    counted = scoped(counted, user, filters, today, open_only=True).subquery()
    first = (
        select(
            Provider.id,
            Provider.name,
            qa_status_sql(today).label("qa_status"),
            Provider.registration_status,
            counted.c.pupils,
            counted.c.schools,
        )
        .join(counted, counted.c.provider_id == Provider.id)
        .order_by(counted.c.pupils.desc(), func.lower(Provider.name))
    )
    return Concerns(providers, schools, of_concern_count, db.session.execute(first).all())
