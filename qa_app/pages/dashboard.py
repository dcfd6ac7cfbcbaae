"""The Head of Access's dashboard: escalations by state and age, overdue reviews,
suspended providers, visits awaiting sign-off, the register's RAG distribution, and the
attendance of pupils in AP across the authority."""

from datetime import date

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


def _counts(query):
    """{group: count} from a query of (group, count) rows."""
    return dict(db.session.execute(query).all())


@bp.route("/dashboard")
@login_required
def dashboard():
    """Numbers the Head of Access watches, each as a small bar chart with the figures beside it."""
    authorize("escalation.decide")
    today = date.today()
    by_state = _counts(
        select(Escalation.state, func.count()).where(Escalation.state != "closed").group_by(Escalation.state)
    )
    opened = db.session.scalars(select(Escalation.created_at).where(Escalation.state != "closed")).all()
    ages = [(today - created.date()).days for created in opened]
    by_age = {
        label: sum(1 for age in ages if low <= age and (high is None or age < high))
        for low, high, label in AGE_BANDS
    }
    overdue = db.session.scalar(select(func.count()).where(Escalation.is_overdue(today)))
    suspended = db.session.scalar(select(func.count()).where(Provider.suspended_reason.is_not(None)))
    awaiting = db.session.scalar(select(func.count()).where(Visit.status == "submitted"))
    rag = _counts(select(Provider.rating_rag, func.count()).group_by(Provider.rating_rag))
    attendance = attendance_for(
        placements_visible_to(current_user), whole_authority=current_user.role == "head_of_access"
    )
    return render_template(
        "pages/dashboard.html",
        by_state=[(STATES[s], by_state.get(s, 0)) for s in STATES if s != "closed"],
        by_age=list(by_age.items()),
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
