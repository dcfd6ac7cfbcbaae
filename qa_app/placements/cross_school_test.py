"""The registration test across schools (docs/domain.md §2.6).

No single school sees that a provider now educates five full-time pupils; the authority
can. For each provider not known to be registered, the placements of every school open on
the day go, as pupils, through the registration rules in force that day (docs/domain.md §2.3). A
result of likely or borderline raises one escalation per provider while it is open, naming
the limb and the placements (school and pupil reference) that decided it.

Each test holds its providers' rows until its transaction commits, so two schools saving at
the same moment are tested one after the other and the second sees the first's placement.
It runs after every save, end or import of placements (signals.placements_changed), when
an admin publishes rules already in force, and daily (`flask check-placements`), which
catches placements that start and rules that come into force on the day.

These functions flush but never commit; the caller commits once.
"""

from collections import defaultdict
from contextlib import contextmanager
from datetime import date
from functools import cache
from typing import NamedTuple

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import joinedload

from qa_app import signals
from qa_app.auth.models import School, User
from qa_app.dates import long_date
from qa_app.escalations.models import Escalation
from qa_app.escalations.raising import raise_from_placements
from qa_app.extensions import db
from qa_app.placements.models import Placement
from qa_app.providers.models import Provider
from qa_app.registration.law import (
    LIKELY,
    LIMB_LABELS,
    NOT_INDICATED,
    RESULT_LABELS,
    Pupil,
    registration_test,
)
from qa_app.registration.services import rules_in_force
from qa_app.row_locks import lock_rows

# A registered independent school, or a setting Ofsted already registers, is known.
KNOWN_REGISTERED = ("registered_independent", "ofsted_registered")
# Pupils of compulsory school age: reception (who reach it during the year) to year 11.
COMPULSORY_YEARS = range(0, 12)
_BATCH = "placements.providers_to_test"


# -- which placements, as which pupils ---------------------------------------------------


class OpenPlacement(NamedTuple):
    """What the test reads of an open placement, read as columns (no ORM objects): a
    provider's test after each save reads all of its open placements."""

    id: int
    provider_id: int
    uuid: str
    school_id: int
    school_name: str
    pupil_ref: str
    hours_per_week: float
    weeks_per_year: int
    daytime: bool
    ehc_plan: bool
    looked_after: bool
    sen_support: bool
    main_education: bool


_COLUMNS = [
    School.name if name == "school_name" else getattr(Placement, name) for name in OpenPlacement._fields
]


def open_placements(provider_ids, day):
    """The placements open on the day at these providers, as OpenPlacements (one query)."""
    if not provider_ids:
        return []
    rows = db.session.execute(_OPEN_PLACEMENTS, {"providers": list(provider_ids), "day": day})
    return [OpenPlacement(*row) for row in rows]


_DAY = bindparam("day", type_=db.Date)
_OPEN_PLACEMENTS = (
    select(*_COLUMNS)
    .join(School, School.id == Placement.school_id)
    .where(
        Placement.provider_id.in_(bindparam("providers", expanding=True)),
        Placement.start_date <= _DAY,
        or_(Placement.ended_on.is_(None), Placement.ended_on > _DAY),
        Placement.year_group.in_(list(COMPULSORY_YEARS)),
    )
    .order_by(Placement.provider_id, School.name, Placement.pupil_ref, Placement.id)
)


def pupil_ref(placement):
    """How the test and the escalation name a pupil: the school, then its own reference."""
    return f"{placement.school_name} {placement.pupil_ref}"


def pupils_of(placements):
    """One Pupil per school and reference (two open placements of one pupil at one provider
    are one pupil: their hours add up), and the placements behind each."""
    behind = defaultdict(list)
    for placement in placements:
        behind[pupil_ref(placement)].append(placement)
    pupils = [
        Pupil(
            ref=ref,
            hours_per_week=sum(p.hours_per_week for p in group),
            weeks_per_year=max(p.weeks_per_year for p in group),
            daytime=any(p.daytime for p in group),
            ehc_plan=any(p.ehc_plan for p in group),
            looked_after=any(p.looked_after for p in group),
            sen=any(p.sen_support for p in group),
            main_education=any(p.main_education for p in group),
        )
        for ref, group in behind.items()
    ]
    return pupils, behind


def deciding_refs(outcome, pupils, rules):
    """The pupils whose placements decided the result: those its limb counted."""
    if outcome.result == NOT_INDICATED:
        return []
    if outcome.limb == "five_or_more_full_time":
        if outcome.result == LIKELY:
            return outcome.full_time
        return outcome.full_time + outcome.possibly_full_time
    statuses = set(rules["single_pupil_statuses"])
    counted = outcome.full_time if outcome.result == LIKELY else outcome.possibly_full_time
    return [p.ref for p in pupils if p.ref in counted and statuses & set(p.statuses())]


def placements_result(placements, version, day):
    """The test's result on these open placements of one provider, as stored on the escalation."""
    pupils, behind = pupils_of(placements)
    outcome = registration_test(pupils, version.rules)
    refs = deciding_refs(outcome, pupils, version.rules)
    return {
        **outcome.as_dict(version.name),
        "tested_on": day.isoformat(),
        "schools": len({p.school_id for p in placements}),
        "placements": [
            {
                "uuid": placement.uuid,
                "school_id": placement.school_id,
                "school": placement.school_name,
                "pupil_ref": placement.pupil_ref,
                "hours_per_week": placement.hours_per_week,
            }
            for ref in refs
            for placement in behind[ref]
        ],
    }


def describe(provider, result):
    """The escalation's words: the result, the limb and the placements that decided it."""
    if result["result"] == NOT_INDICATED:
        return (
            f"The placements at {provider.name} tested again across {result['schools']} "
            f"school{'s' if result['schools'] != 1 else ''}: {RESULT_LABELS[NOT_INDICATED]}."
        )
    placements = "; ".join(f"{p['school']}, {p['pupil_ref']}" for p in result["placements"])
    schools = len({p["school_id"] for p in result["placements"]})
    return (
        f"Placements across schools: {RESULT_LABELS[result['result']]} "
        f"({LIMB_LABELS[result['limb']]}). Decided by {len(result['placements'])} "
        f"placement{'s' if len(result['placements']) != 1 else ''} from {schools} "
        f"school{'s' if schools != 1 else ''}: {placements}."
    )


# -- running it -------------------------------------------------------------------------


def _reporter(provider):
    """Who raises the authority's escalation, looked up once when first asked: the
    provider's officer, else the Head of Access, else an administrator (never school staff,
    who must not see it); None when there is no one yet."""

    @cache
    def reporter():
        officer = provider.officer
        if officer is not None and officer.active and officer.role == "officer":
            return officer
        for role in ("head_of_access", "admin"):
            user = db.session.scalar(_FIRST_ACTIVE, {"role": role})
            if user is not None:
                return user
        return None

    return reporter


_FIRST_ACTIVE = (
    select(User).where(User.role == bindparam("role"), User.active.is_(True)).order_by(User.id).limit(1)
)


def _runner(provider, placements, version, today, seen):
    """The run_test of raise_from_placements: first on the placements already loaded, then
    (after losing a race to another save) on those open now; the latest result is in `seen`."""

    def run_test():
        found = placements if not seen else open_placements([provider.id], today)
        seen["result"] = placements_result(found, version, today)
        return seen["result"], describe(provider, seen["result"])

    return run_test


def retest_providers(provider_ids, today=None):
    """Run the test for these providers (those not known to be registered) and raise or
    update their escalations; returns {provider_id: (result, escalation or None)}."""
    today = today or date.today()
    version = rules_in_force(today)
    ids = sorted({i for i in provider_ids if i is not None})
    if version is None or not ids:
        return {}
    # One test at a time per provider: a save at another school at the same moment waits
    # here until this one commits, then tests with this one's placement in view.
    lock_rows(Provider, ids)
    providers = db.session.scalars(_NOT_KNOWN_REGISTERED, {"ids": ids}).all()
    placements = defaultdict(list)
    for placement in open_placements([p.id for p in providers], today):
        placements[placement.provider_id].append(placement)
    outcomes = {}
    for provider in providers:
        seen = {}
        run_test = _runner(provider, placements[provider.id], version, today, seen)
        escalation = raise_from_placements(
            provider,
            _reporter(provider),
            run_test,
            how_known=f"The authority's registration test across the open placements of every "
            f"school, on {long_date(today)}, with the {version.name} rules ({version.title})",
            today=today,
        )
        outcomes[provider.id] = (seen["result"], escalation)
    return outcomes


_NOT_KNOWN_REGISTERED = (
    select(Provider)
    .options(joinedload(Provider.officer))
    .where(
        Provider.id.in_(bindparam("ids", expanding=True)),
        Provider.registration_status.not_in(KNOWN_REGISTERED),
    )
)


def providers_to_check(today=None):
    """Every provider not known to be registered that has placements open on the day or an
    open escalation from an earlier test."""
    today = today or date.today()
    placed = select(Placement.provider_id).where(
        Placement.start_date <= today, or_(Placement.ended_on.is_(None), Placement.ended_on > today)
    )
    escalated = select(Escalation.provider_id).where(
        Escalation.source == "placements", Escalation.state != "closed"
    )
    return db.session.scalars(
        select(Provider.id)
        .where(
            Provider.registration_status.not_in(KNOWN_REGISTERED),
            or_(Provider.id.in_(placed), Provider.id.in_(escalated)),
        )
        .order_by(Provider.id)
    ).all()


def check_all(today=None):
    """The daily run: test every provider that may need it; returns what retest_providers does."""
    today = today or date.today()
    return retest_providers(providers_to_check(today), today)


# -- when it runs ------------------------------------------------------------------------


@signals.placements_changed.connect
def _placements_changed(_sender, provider_ids, **_):
    """Test these providers again now, or once at the end of the batch being imported
    (signals.placements_changed, which every save, end and import sends)."""
    pending = db.session.info.get(_BATCH)
    if pending is not None:
        pending.update(provider_ids)
        return
    retest_providers(provider_ids)


@contextmanager
def one_test_per_provider(test=True):
    """Within the block, saves only note their providers; each is tested once at its end
    (not at all when `test` is false: a dry run that will be rolled back)."""
    if _BATCH in db.session.info:  # already inside a batch: the outer one tests
        yield
        return
    pending = db.session.info[_BATCH] = set()
    try:
        yield
    finally:
        db.session.info.pop(_BATCH, None)
    if test:
        retest_providers(pending)


@signals.rules_published.connect
def _rules_published(version, **_):
    """Rules published already in force change the test today: run it for every provider."""
    if version.in_force_from is not None and version.in_force_from <= date.today():
        check_all()
