"""The demo's daily marks (docs/domain.md §2.10): a fortnight of registers at every provider
with pupils placed, up to this morning, each marked by the provider's own staff through
placements.marks.save_marks, as the register page saves them.

Most sessions are present, some late, a few absences with a reason the provider knows and
now and then one with none; a pupil on fewer than five days a week is not expected on
Thursdays and Fridays. This morning EHS-2291, a looked-after pupil of Eastbrook High School at
The Harbour Project, is absent and nobody knows why: the school and the Head of Access are
the ones to hear of it. This afternoon is not marked yet anywhere.

"This morning" is the last school day on or before the day the demo is loaded, so a demo
loaded at a weekend tells Friday's story. The marks carry plausible times of day in UK time
(09:20 and 13:40), not the moment the demo was loaded.
"""

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select, update

from qa_app.auth.models import User
from qa_app.auth.services import create_user
from qa_app.dates import UK
from qa_app.extensions import db
from qa_app.placements.marks import MarkEntry, save_marks
from qa_app.placements.models import AttendanceMark, Placement
from qa_app.placements.registers import latest_school_day, placements_expected, school_days
from qa_app.providers.models import Provider

FORTNIGHT = 10  # school days
# The looked-after pupil whose absence this morning nobody can explain.
MISSING_THIS_MORNING = "EHS-2291"
MARKED_AT = {"am": time(9, 20), "pm": time(13, 40)}
# Odds of each mark for a session a pupil is expected, out of 100.
WEIGHTS = {
    "present": 84,
    "late": 6,
    "absent_illness": 5,
    "absent_medical": 1,
    "absent_authorised": 1,
    "absent_unknown": 3,
}


def _staff(provider, password):
    """The provider's first staff member, or one made for the demo from its contact details."""
    staff = db.session.scalar(
        select(User)
        .where(User.provider_id == provider.id, User.role == "provider")
        .order_by(User.id)
        .limit(1)
    )
    return staff or create_user(
        provider.contact_email, provider.contact_name, "provider", password, provider_id=provider.id
    )


def _mark(placement, day, session, rng):
    if placement.days_per_week < 5 and day.weekday() >= 3:
        return "not_expected"
    if session == "pm" and rng.random() < 0.7:
        return "present"  # most of a day's story is told in the morning
    return rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]


def add_marks(password, today):
    """A fortnight of marks at every provider with pupils placed; returns this morning's day."""
    rng = random.Random(24)
    this_morning = latest_school_day(today)
    days = school_days(this_morning - timedelta(days=28), this_morning)[-FORTNIGHT:]
    providers = db.session.scalars(
        select(Provider).where(Provider.id.in_(select(Placement.provider_id))).order_by(Provider.id)
    ).all()
    for provider in providers:
        staff = None
        for day in days:
            sessions = ("am",) if day == this_morning else ("am", "pm")
            entries = [
                MarkEntry(placement.id, session, _this_morning(placement, day, this_morning, session, rng))
                for placement in placements_expected(provider.id, day)
                for session in sessions
            ]
            if entries:
                staff = staff or _staff(provider, password)
                save_marks(staff, day, entries, today=today)
    for day in days:
        for session, at in MARKED_AT.items():
            moment = datetime.combine(day, at, tzinfo=UK).astimezone(UTC).replace(tzinfo=None)
            db.session.execute(
                update(AttendanceMark)
                .where(AttendanceMark.day == day, AttendanceMark.session == session)
                .values(recorded_at=moment)
                .execution_options(synchronize_session=False)
            )
    return this_morning


def _this_morning(placement, day, this_morning, session, rng):
    mark = _mark(placement, day, session, rng)
    if day == this_morning and placement.pupil_ref == MISSING_THIS_MORNING:
        return "absent_unknown"
    if day == this_morning and mark == "absent_unknown":
        return "absent_illness"  # one unexplained absence this morning, the story's own
    return mark
