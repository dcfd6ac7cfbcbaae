"""Which records are past their retention date on a given day (docs/retention.md).

`due(today)` reads the rules from the configuration and returns, per kind of record and
rule, the records to dispose of and those a legal hold keeps. It changes nothing: the dry
run prints it, and `retention.services.dispose` deletes exactly what it lists.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import and_, select

from qa_app.escalations.models import Escalation
from qa_app.extensions import db
from qa_app.placements.models import Placement
from qa_app.providers.models import Provider
from qa_app.referrals.models import Referral
from qa_app.retention.models import LegalHold
from qa_app.visits.models import Visit

# Which age rule a pupil falls under, strongest first (config RETENTION_PUPIL_AGES).
AGE_RULES = ("looked_after", "ehc_plan", "other")


@dataclass
class Batch:
    """The records of one kind one rule disposes of: their ids, how the operator knows them
    (references, for the dry run's terminal only), and how many a legal hold keeps."""

    kind: str
    rule: str
    ids: list = field(default_factory=list)
    references: list = field(default_factory=list)
    held: int = 0


def academic_year_of(day):
    """The year in which the academic year holding `day` began (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def pupil_reaches(age, year_group, placed_on):
    """The day from which a pupil in `year_group` when placed on `placed_on` is surely `age`:
    we take the youngest of the year group, who is year + 4 on 1 September of that academic
    year and turns `age` on the following 31 August at the latest, so the day after."""
    return date(academic_year_of(placed_on) + age - year_group - 4, 9, 1)


def years_before(today, years):
    """The same day `years` years before `today` (28 February for a 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _on_or_before(column, day):
    """`column` (a UTC timestamp) falls on `day` or earlier."""
    return column < datetime.combine(day + timedelta(days=1), time())


def held_ids(kind):
    """The ids of the records of `kind` under an active legal hold."""
    query = select(LegalHold.record_id).where(LegalHold.record_kind == kind, LegalHold.released_at.is_(None))
    return set(db.session.scalars(query))


def _batch(kind, rule, rows, held):
    """A Batch of (id, reference) rows, leaving out and counting the held ones."""
    batch = Batch(kind, rule)
    for record_id, reference in rows:
        if record_id in held:
            batch.held += 1
        else:
            batch.ids.append(record_id)
            batch.references.append(reference)
    return batch


def placement_batches(today, ages):
    """Each pupil's placements (a school's pupil reference) go together, when the pupil is
    surely past the age of the strongest rule any of them records (ever looked after, ever
    an EHC plan), counted from the latest of them."""
    pupils = defaultdict(list)
    rows = db.session.execute(
        select(
            Placement.id,
            Placement.uuid,
            Placement.school_id,
            Placement.pupil_ref,
            Placement.year_group,
            Placement.start_date,
            Placement.looked_after,
            Placement.ehc_plan,
        )
    )
    for row in rows:
        pupils[(row.school_id, row.pupil_ref)].append(row)
    due = defaultdict(list)
    for placements in pupils.values():
        rule = next(
            name
            for name in AGE_RULES
            if name == "other" or any(getattr(placement, name) for placement in placements)
        )
        age = ages[rule]
        if today >= max(pupil_reaches(age, p.year_group, p.start_date) for p in placements):
            due[f"pupil_age_{age}_{rule}"].extend((p.id, p.uuid) for p in placements)
    held = held_ids("placement")
    return [_batch("placement", rule, sorted(rows), held) for rule, rows in sorted(due.items())]


def escalation_batches(today, years):
    """Closed escalations, `years` after they were closed."""
    cutoff = years_before(today, years)
    rows = db.session.execute(
        select(Escalation.id, Escalation.id)
        .where(Escalation.state == "closed", _on_or_before(Escalation.state_changed_at, cutoff))
        .order_by(Escalation.id)
    )
    rows = [(record_id, f"ESC-{record_id:05d}") for record_id, _ in rows]
    return [_batch("escalation", f"closed_{years}_years", rows, held_ids("escalation"))]


def referral_batches(today, years):
    """Referrals `years` after the panel's decision; those never decided, after their last change."""
    cutoff = years_before(today, years)
    held = held_ids("referral")
    decided = Referral.decided_at.is_not(None)
    batches = []
    for rule, condition in (
        (f"decided_{years}_years", and_(decided, _on_or_before(Referral.decided_at, cutoff))),
        (f"undecided_{years}_years", and_(~decided, _on_or_before(Referral.updated_at, cutoff))),
    ):
        ids = db.session.scalars(select(Referral.id).where(condition).order_by(Referral.id))
        batches.append(_batch("referral", rule, [(i, f"referral {i}") for i in ids], held))
    return batches


def visit_batches(today, years, escalations_going):
    """Visits `years` after sign-off (never signed off: after their last change), except a
    provider's rated visit and a visit an escalation that is kept rests on."""
    cutoff = years_before(today, years)
    held = held_ids("visit")
    signed = Visit.signed_off_at.is_not(None)
    rated = select(Provider.rated_visit_id).where(Provider.rated_visit_id.is_not(None))
    resting = select(Escalation.visit_id).where(Escalation.visit_id.is_not(None))
    if escalations_going:
        resting = resting.where(Escalation.id.not_in(escalations_going))
    batches = []
    for rule, condition in (
        (f"signed_off_{years}_years", and_(signed, _on_or_before(Visit.signed_off_at, cutoff))),
        (f"not_signed_off_{years}_years", and_(~signed, _on_or_before(Visit.updated_at, cutoff))),
    ):
        rows = db.session.execute(
            select(Visit.id, Visit.uuid)
            .where(condition, Visit.id.not_in(rated), Visit.id.not_in(resting))
            .order_by(Visit.id)
        )
        batches.append(_batch("visit", rule, list(rows), held))
    return batches


def due(today):
    """Every batch past its date on `today`, in the order they are disposed of: escalations
    before the visits they rest on; referrals before the placements they name."""
    ages = current_app.config["RETENTION_PUPIL_AGES"]
    years = current_app.config["RETENTION_YEARS"]
    escalations = escalation_batches(today, years["escalation"])
    going = [record_id for batch in escalations for record_id in batch.ids]
    return [
        *escalations,
        *referral_batches(today, years["referral"]),
        *placement_batches(today, ages),
        *visit_batches(today, years["visit"], going),
    ]
