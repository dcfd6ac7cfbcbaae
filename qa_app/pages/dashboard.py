"""The Head of Access's dashboard: escalations by state and age, overdue reviews,
suspended providers, visits awaiting sign-off, the register's RAG distribution, and the
attendance of pupils in AP across the authority."""

from datetime import date, datetime, time, timedelta

from flask import render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from qa_app.auth.permissions import authorize
from qa_app.escalations.models import STATES, Escalation
from qa_app.extensions import db
from qa_app.pages import bp
from qa_app.placements.attendance import attendance_for
from qa_app.placements.attendance_chart import attendance_chart
from qa_app.placements.scopes import placements_visible_to
from qa_app.providers.models import Provider
from qa_app.visits.models import Visit

AGE_BANDS = (
    (0, 7, "Under a week"),
    (7, 28, "1 to 4 weeks"),
    (28, 91, "1 to 3 months"),
    (91, None, "Over 3 months"),
)


def _age_band(low, high, today):
    """SQL: an escalation raised between `low` and `high` whole days before `today` (a day's
    age is counted from its date, as `(today - created_at.date()).days`)."""
    condition = Escalation.created_at < datetime.combine(today - timedelta(days=low - 1), time())
    if high is not None:
        condition &= Escalation.created_at >= datetime.combine(today - timedelta(days=high - 1), time())
    return func.count().filter(condition)


def _escalation_figures(today):
    """The open escalations by state, by age band and overdue, counted in one query."""
    rows = db.session.execute(
        select(
            Escalation.state,
            func.count(),
            func.count().filter(Escalation.is_overdue(today)),
            *(_age_band(low, high, today) for low, high, _ in AGE_BANDS),
        )
        .where(Escalation.state != "closed")
        .group_by(Escalation.state)
    ).all()
    by_state = {row[0]: row[1] for row in rows}
    overdue = sum(row[2] for row in rows)
    by_age = [(label, sum(row[3 + band] for row in rows)) for band, (_, _, label) in enumerate(AGE_BANDS)]
    return by_state, by_age, overdue


@bp.route("/dashboard")
@login_required
def dashboard():
    """Numbers the Head of Access watches, each as a small bar chart with the figures beside it."""
    authorize("escalation.decide")
    today = date.today()
    by_state, by_age, overdue = _escalation_figures(today)
    ratings = db.session.execute(
        select(
            Provider.rating_rag,
            func.count(),
            func.count().filter(Provider.suspended_reason.is_not(None)),
        ).group_by(Provider.rating_rag)
    ).all()
    rag = {row[0]: row[1] for row in ratings}
    suspended = sum(row[2] for row in ratings)
    awaiting = db.session.scalar(select(func.count()).where(Visit.status == "submitted"))
    attendance = attendance_for(
        placements_visible_to(current_user), whole_authority=current_user.role == "head_of_access"
    )
    return render_template(
        "pages/dashboard.html",
        by_state=[(STATES[s], by_state.get(s, 0)) for s in STATES if s != "closed"],
        by_age=by_age,
        rag=[
            ("Red", rag.get("red", 0)),
            ("Amber", rag.get("amber", 0)),
            ("Green", rag.get("green", 0)),
            ("Not rated", rag.get(None, 0)),
        ],
        overdue=overdue,
        suspended=suspended,
        awaiting=awaiting,
        attendance=attendance,
        attendance_chart=attendance_chart(attendance),
    )
