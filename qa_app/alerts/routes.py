"""The attendance alerts pages: the list a user may see, a page at a time, and each alert,
where the pupil's school records what it did."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from qa_app.alerts import bp
from qa_app.alerts.follow_up import describe, record_outcome
from qa_app.alerts.forms import FollowUpForm
from qa_app.alerts.models import KINDS, OUTCOMES, AttendanceAlert
from qa_app.alerts.scopes import alerts_visible_to, may_follow_up
from qa_app.audit.reads import audited
from qa_app.auth.permissions import authorize
from qa_app.extensions import db
from qa_app.forms import NOT_SAVED, carry_version, changed_since_read, committed, record_version
from qa_app.row_locks import lock_row

PAGE_SIZE = 25
MAX_PAGE = 10_000
STATES = {"open": "Waiting for the school", "all": "All"}


@bp.route("/alerts")
@login_required
@audited("view", "attendance_alert_list")
def index():
    """The alerts this user may see, those still waiting first, newest first."""
    authorize("alert.view")
    state = request.args.get("state") if request.args.get("state") in STATES else "open"
    query = (
        select(AttendanceAlert)
        .options(joinedload(AttendanceAlert.provider), joinedload(AttendanceAlert.school))
        .options(joinedload(AttendanceAlert.placement))
        .where(alerts_visible_to(current_user))
        .order_by(AttendanceAlert.day.desc(), AttendanceAlert.session.desc(), AttendanceAlert.id)
    )
    if state == "open":
        query = query.where(
            and_(AttendanceAlert.outcome.is_(None), AttendanceAlert.kind != "register_not_marked")
        )
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    alerts = db.paginate(query, page=page, per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False)
    return render_template(
        "alerts/index.html", alerts=alerts, state=state, states=STATES, kinds=KINDS, outcomes=OUTCOMES
    )


def _load(alert_id):
    """The alert, if this user may see it; a 404 otherwise (whether or not it exists)."""
    authorize("alert.view")
    alert = db.session.scalar(
        select(AttendanceAlert).where(AttendanceAlert.id == alert_id, alerts_visible_to(current_user))
    )
    if alert is None:
        abort(404)
    return alert


@bp.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
@login_required
@audited("view", "attendance_alert", "alert_id")
def show(alert_id):
    """An alert, and for its school the form to record what it did."""
    alert = _load(alert_id)
    may_record = may_follow_up(current_user, alert)
    form = FollowUpForm(data={"outcome": alert.outcome, "note": alert.outcome_note}) if may_record else None
    if form is not None:
        carry_version(form, record_version(alert))
    if request.method == "POST":
        if form is None:
            abort(403)
        if form.validate_on_submit():
            lock_row(AttendanceAlert, alert.id)
            db.session.refresh(alert)
            if changed_since_read(form, record_version(alert), "This alert"):
                return redirect(url_for("alerts.show", alert_id=alert.id))
            recorded = committed(
                form, lambda: record_outcome(alert, current_user, form.outcome.data, form.note.data)
            )
            if recorded is not NOT_SAVED:
                flash(f"Saved: {OUTCOMES[alert.outcome]}.")
                return redirect(url_for("alerts.show", alert_id=alert.id))
    status = 400 if form is not None and form.errors else 200
    return render_template(
        "alerts/show.html", alert=alert, form=form, summary=describe(alert), kinds=KINDS, outcomes=OUTCOMES
    ), status
