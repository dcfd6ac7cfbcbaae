"""Retention and disposal (docs/retention.md): a dated example of every kind of record, each
just before or just after its date, one of each under a legal hold; the dry run lists exactly
what would go and deletes nothing; the real run deletes exactly that and logs nothing personal."""

from datetime import date, datetime

import pytest
from sqlalchemy import func, select, update

from qa_app.escalations.models import Escalation, EscalationEvent
from qa_app.extensions import db
from qa_app.placements.attendance_totals import AttendanceDayTotal, AuthorityDayTotal, refresh_day_totals
from qa_app.placements.models import AttendanceMark, Placement, PlacementReview
from qa_app.providers.models import Provider
from qa_app.referrals.models import Referral, ReferralEvent
from qa_app.retention.models import Disposal, DisposedPlacementCount, LegalHold
from qa_app.retention.rules import pupil_reaches
from qa_app.visits.models import Judgement, Visit

# The run: 1 September 2033. With the default rules a pupil in year 10 placed in 2016-17 is
# surely 31 today; escalations closed, referrals decided and visits signed off on or before
# 1 September 2027 are six years old.
RUN = "2033-09-01"
ON_THE_DAY = datetime(2027, 9, 1, 23, 59)
A_DAY_SHORT = datetime(2027, 9, 2, 0, 0)


def test_a_pupil_is_taken_as_the_youngest_of_their_year_group():
    """Year 10 in 2016-17 is 14 on 1 September 2016 at the youngest: 31 by 1 September 2033;
    a placement on 31 August still counts in the academic year it ends."""
    assert pupil_reaches(31, 10, date(2016, 9, 1)) == date(2033, 9, 1)
    assert pupil_reaches(31, 10, date(2017, 8, 31)) == date(2033, 9, 1)
    assert pupil_reaches(31, 10, date(2017, 9, 1)) == date(2034, 9, 1)
    assert pupil_reaches(75, 0, date(2020, 1, 6)) == date(2090, 9, 1)


def _set(model, record_id, **values):
    db.session.execute(update(model).where(model.id == record_id).values(**values))


@pytest.fixture
def example(
    make_user, make_provider, make_placement, make_referral, make_escalation, make_visit, head_of_access
):
    """The dated example; {name: (kind, id, reference)} of what is due, and of what stays."""
    school = make_user("school").school
    provider = make_provider()
    due, kept = {}, {}

    def placement(name, start, into, **fields):
        made = make_placement(school, provider, **fields)
        _set(Placement, made.id, start_date=start)
        into[name] = ("placement", made.id, made.uuid)
        return made

    gone = placement("placement_due", date(2017, 8, 31), due, pupil_ref="P-DUE")
    placement("placement_next_year", date(2017, 9, 1), kept, pupil_ref="P-NEXT")
    placement("placement_ehc", date(2017, 8, 31), kept, pupil_ref="P-EHC", ehc_plan=True)
    placement("placement_held", date(2017, 8, 31), kept, pupil_ref="P-HELD")
    # Once looked after, the pupil's other placement is kept as long as that one.
    placement("placement_was_looked_after", date(2016, 9, 5), kept, pupil_ref="P-LAC")
    placement("placement_looked_after", date(2017, 1, 9), kept, pupil_ref="P-LAC", looked_after=True)
    # The placement due has a review, a day's marks and a referral that stays.
    db.session.add(
        PlacementReview(
            placement_id=gone.id, review_date=date(2017, 10, 1), sessions_possible=10, sessions_attended=8
        )
    )
    for session in ("am", "pm"):
        db.session.add(
            AttendanceMark(
                placement_id=gone.id,
                provider_id=provider.id,
                school_id=school.id,
                day=date(2017, 9, 4),
                session=session,
                mark="present",
                recorded_by_id=head_of_access().id,
            )
        )
    refresh_day_totals(date(2017, 9, 4), provider.id)

    def referral(name, into, decided_at=None, updated_at=None, **fields):
        made = make_referral(**fields)
        _set(Referral, made.id, decided_at=decided_at, updated_at=updated_at or made.updated_at)
        into[name] = ("referral", made.id, f"referral {made.id}")
        return made

    referral("referral_decided_due", due, decided_at=ON_THE_DAY)
    linked = referral("referral_decided_kept", kept, decided_at=A_DAY_SHORT)
    _set(Referral, linked.id, placement_id=gone.id)
    referral("referral_undecided_due", due, updated_at=ON_THE_DAY, send=False)
    referral("referral_undecided_kept", kept, updated_at=A_DAY_SHORT, send=False)
    referral("referral_held", kept, decided_at=ON_THE_DAY)

    def visit(name, days_ago, signed_off_at, into):
        made = make_visit(provider, days_ago=days_ago)
        _set(Visit, made.id, signed_off_at=signed_off_at)
        into[name] = ("visit", made.id, made.uuid)
        return made

    visit("visit_due", 500, ON_THE_DAY, due)
    visit("visit_kept", 450, A_DAY_SHORT, kept)
    visit("visit_held", 400, ON_THE_DAY, kept)
    under_open = visit("visit_of_an_open_escalation", 350, ON_THE_DAY, kept)
    under_closed = visit("visit_of_an_escalation_due", 300, ON_THE_DAY, due)
    rated = visit("visit_rated", 10, ON_THE_DAY, kept)

    def escalation(name, state, changed, into, visit=None):
        made = make_escalation(state=state)
        _set(Escalation, made.id, state_changed_at=changed, visit_id=visit.id if visit else None)
        into[name] = ("escalation", made.id, made.reference)

    escalation("escalation_due", "closed", ON_THE_DAY, due, visit=under_closed)
    escalation("escalation_kept", "closed", A_DAY_SHORT, kept)
    escalation("escalation_open", "monitoring", datetime(2020, 1, 1), kept, visit=under_open)
    escalation("escalation_held", "closed", ON_THE_DAY, kept)

    for name in ("placement_held", "referral_held", "visit_held", "escalation_held"):
        kind, record_id, reference = kept[name]
        db.session.add(
            LegalHold(
                record_kind=kind,
                record_id=record_id,
                reference=reference,
                reason="A claim",
                placed_by_id=head_of_access().id,
            )
        )
    db.session.commit()
    assert db.session.get(Provider, provider.id).rated_visit_id == rated.id
    return due, kept


MODELS = {"placement": Placement, "referral": Referral, "escalation": Escalation, "visit": Visit}


def _exists(kind, record_id):
    return db.session.get(MODELS[kind], record_id) is not None


def _counts():
    tables = (*MODELS.values(), PlacementReview, AttendanceMark, EscalationEvent, ReferralEvent, Judgement)
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in tables}


def test_the_dry_run_lists_exactly_what_would_go_and_deletes_nothing(app, runner, example):
    """Every record past its date is listed by its reference, nothing else is, and nothing changes."""
    due, kept = example
    before = _counts()
    result = runner.invoke(args=["apply-retention", "--dry-run", "--on", RUN])
    assert result.exit_code == 0, result.output
    listed = {
        reference
        for line in result.output.splitlines()
        if line.startswith("  ")
        for reference in line.strip().split(", ")
    }
    assert listed == {str(reference) for _, _, reference in due.values()}
    assert "placement · pupil_age_31_other: 1; kept on hold: 1" in result.output
    assert "escalation · closed_6_years: 1; kept on hold: 1" in result.output
    assert "referral · decided_6_years: 1; kept on hold: 1" in result.output
    assert "referral · undecided_6_years: 1" in result.output
    assert "visit · signed_off_6_years: 2; kept on hold: 1" in result.output
    assert "Dry run: nothing was deleted." in result.output
    db.session.expire_all()
    assert _counts() == before
    assert db.session.scalar(select(func.count()).select_from(Disposal)) == 0


def test_the_run_deletes_exactly_those_keeps_the_held_and_logs_nothing_personal(app, runner, example):
    """What the dry run listed goes, with what belongs to it; held and younger records stay."""
    due, kept = example
    result = runner.invoke(args=["apply-retention", "--on", RUN])
    assert result.exit_code == 0, result.output
    assert "Disposed of 6 records" in result.output
    db.session.expire_all()
    for name, (kind, record_id, _) in due.items():
        assert not _exists(kind, record_id), name
    for name, (kind, record_id, _) in kept.items():
        assert _exists(kind, record_id), name
    gone = due["placement_due"][1]
    for model in (PlacementReview, AttendanceMark):
        assert db.session.scalar(select(func.count()).where(model.placement_id == gone)) == 0
    assert db.session.get(Referral, kept["referral_decided_kept"][1]).placement_id is None
    # The day's totals are recounted without the pupil's marks.
    assert db.session.scalars(select(AttendanceDayTotal)).all() == []
    assert db.session.scalars(select(AuthorityDayTotal)).all() == []
    escalation = due["escalation_due"][1]
    assert db.session.scalar(select(func.count()).where(EscalationEvent.escalation_id == escalation)) == 0

    logged = {(row.record_kind, row.rule): row.count for row in db.session.scalars(select(Disposal))}
    assert logged == {
        ("escalation", "closed_6_years"): 1,
        ("referral", "decided_6_years"): 1,
        ("referral", "undecided_6_years"): 1,
        ("placement", "pupil_age_31_other"): 1,
        ("visit", "signed_off_6_years"): 2,
    }
    # Nothing personal: the log's columns are the kind, the rule, the time and the count.
    assert set(Disposal.__table__.columns.keys()) == {"id", "record_kind", "rule", "disposed_at", "count"}
    counted = db.session.scalars(select(DisposedPlacementCount)).all()
    assert [(row.academic_year, row.reason, row.count) for row in counted] == [
        ("2016-17", "at_risk_of_exclusion", 1)
    ]

    again = runner.invoke(args=["apply-retention", "--on", RUN])
    assert "Disposed of 0 records" in again.output
    assert db.session.scalar(select(func.count()).select_from(Disposal)) == 5


def test_a_released_hold_lets_the_record_go(app, runner, example, head_of_access):
    """Once its hold is released, a record past its date goes at the next run."""
    _, kept = example
    hold = db.session.scalar(select(LegalHold).where(LegalHold.record_kind == "visit"))
    hold.released_at, hold.released_by_id, hold.release_reason = (
        datetime(2033, 8, 1),
        head_of_access().id,
        "Settled",
    )
    db.session.commit()
    runner.invoke(args=["apply-retention", "--on", RUN])
    db.session.expire_all()
    assert not _exists("visit", kept["visit_held"][1])
    assert _exists("placement", kept["placement_held"][1])
