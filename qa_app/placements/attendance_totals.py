"""Daily totals of the providers' marks, kept so that an attendance table over a year of
marks (about 760,000 sessions for a council) reads a few hundred rows, not every mark.

Two tables: per day, school and provider (for a school's, a provider's or an officer's
table: every scope of placements is by school and provider, so the pairs a scope covers
select exactly its totals), and per day for the whole authority. Both are recounted from the
marks for the day and provider each time `placements.marks.save_marks` writes marks
(`refresh_day_totals`, in the same transaction), so they never disagree with the marks.

The sessions of a mark: every mark but "not expected" is a session possible; present and
late are attended; an absence with no known reason is unauthorised.
"""

from sqlalchemy import and_, case, delete, func, insert, select

from qa_app.extensions import db
from qa_app.placements.models import ATTENDED_MARKS, AttendanceMark, Placement

POSSIBLE = func.sum(case((AttendanceMark.mark != "not_expected", 1), else_=0))
ATTENDED = func.sum(case((AttendanceMark.mark.in_(ATTENDED_MARKS), 1), else_=0))
UNAUTHORISED = func.sum(case((AttendanceMark.mark == "absent_unknown", 1), else_=0))


class AttendanceDayTotal(db.Model):
    """The sessions in one day's marks of one school's pupils at one provider."""

    day = db.Column(db.Date, primary_key=True)
    school_id = db.Column(db.ForeignKey("school.id"), primary_key=True)
    provider_id = db.Column(db.ForeignKey("provider.id"), primary_key=True, index=True)
    possible = db.Column(db.Integer, nullable=False)
    attended = db.Column(db.Integer, nullable=False)
    unauthorised = db.Column(db.Integer, nullable=False)


class AuthorityDayTotal(db.Model):
    """The sessions in one day's marks across the authority."""

    day = db.Column(db.Date, primary_key=True)
    possible = db.Column(db.Integer, nullable=False)
    attended = db.Column(db.Integer, nullable=False)
    unauthorised = db.Column(db.Integer, nullable=False)


def refresh_day_totals(day, provider_id=None):
    """Recount `day`'s totals from its marks (of one provider's pupils, or everyone's):
    five statements, in the current transaction."""
    db.session.flush()
    pairs = [AttendanceDayTotal.day == day]
    marks = [AttendanceMark.day == day]
    if provider_id is not None:
        pairs.append(AttendanceDayTotal.provider_id == provider_id)
        marks.append(AttendanceMark.provider_id == provider_id)
    db.session.execute(delete(AttendanceDayTotal).where(*pairs))
    db.session.execute(
        insert(AttendanceDayTotal).from_select(
            ["day", "school_id", "provider_id", "possible", "attended", "unauthorised"],
            select(
                AttendanceMark.day,
                AttendanceMark.school_id,
                AttendanceMark.provider_id,
                POSSIBLE,
                ATTENDED,
                UNAUTHORISED,
            )
            .where(*marks)
            .group_by(AttendanceMark.day, AttendanceMark.school_id, AttendanceMark.provider_id),
        )
    )
    db.session.execute(delete(AuthorityDayTotal).where(AuthorityDayTotal.day == day))
    total = AttendanceDayTotal
    db.session.execute(
        insert(AuthorityDayTotal).from_select(
            ["day", "possible", "attended", "unauthorised"],
            select(
                total.day, func.sum(total.possible), func.sum(total.attended), func.sum(total.unauthorised)
            )
            .where(total.day == day)
            .group_by(total.day),
        )
    )


def marked_daily_totals(condition, whole_authority=False):
    """(day, possible, attended, unauthorised) by day from the marks' totals: the whole
    authority's, or those of the placements matching `condition` (a SQL condition on
    Placement by school and provider): one query, its rows bounded by the calendar."""
    if whole_authority:
        return db.session.execute(
            select(
                AuthorityDayTotal.day,
                AuthorityDayTotal.possible,
                AuthorityDayTotal.attended,
                AuthorityDayTotal.unauthorised,
            )
        ).all()
    pairs = select(Placement.school_id, Placement.provider_id).where(condition).distinct().subquery()
    total = AttendanceDayTotal
    return db.session.execute(
        select(total.day, func.sum(total.possible), func.sum(total.attended), func.sum(total.unauthorised))
        .join(pairs, and_(pairs.c.school_id == total.school_id, pairs.c.provider_id == total.provider_id))
        .group_by(total.day)
    ).all()
