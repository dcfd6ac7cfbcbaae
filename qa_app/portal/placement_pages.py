"""Provider staff's placement pages: the pupils placed with their provider (school, reference,
dates, days and hours, nothing more), the written confirmation of safeguarding checks for
each, and the reports of their signed-off visits."""

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from qa_app.audit.reads import audited
from qa_app.domain import Conflict, Invalid, Locked, NotFound
from qa_app.extensions import db
from qa_app.forms import show_errors
from qa_app.placements.confirmation import (
    confirm_safeguarding,
    placement_for_provider_staff,
    placements_at_provider,
)
from qa_app.portal import bp
from qa_app.portal.forms import SafeguardingConfirmationForm
from qa_app.portal.home import own_provider
from qa_app.visits.models import Visit
from qa_app.visits.scopes import reports_visible_to

REPORTS_SHOWN = 50


@bp.route("/placements")
@login_required
@audited("view", "placement_list")
def placements():
    """The open placements at the provider, those still waiting for a confirmation first."""
    provider = own_provider(current_user)
    rows = placements_at_provider(current_user)
    waiting = [p for p in rows if p.safeguarding_confirmation is None]
    confirmed = [p for p in rows if p.safeguarding_confirmation is not None]
    return render_template(
        "portal/placements.html", provider=provider, waiting=waiting, confirmed=confirmed, today=date.today()
    )


@bp.route("/placements/<placement_uuid>/safeguarding", methods=["GET", "POST"])
@login_required
@audited("view", "placement", "placement_uuid")
def confirm(placement_uuid):
    """Confirm the safeguarding checks for one placement at the provider."""
    provider = own_provider(current_user)
    try:
        placement = placement_for_provider_staff(current_user, placement_uuid)
    except NotFound:
        abort(404)
    form = SafeguardingConfirmationForm()
    if not form.is_submitted():
        form.version.data = placement.version
    status = 200
    if form.validate_on_submit():
        answers = {
            "enhanced_dbs": form.enhanced_dbs.data,
            "single_central_record": form.single_central_record.data,
            "dsl_name": form.dsl_name.data,
        }
        try:
            confirm_safeguarding(current_user, placement, answers, _version(form.version.data))
            db.session.commit()
            flash(f"Safeguarding checks confirmed for pupil {placement.pupil_ref}. The school has been told.")
            return redirect(url_for("portal.placements"))
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error.fields)
            status = 400
        except (Conflict, Locked) as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("portal.confirm", placement_uuid=placement.uuid))
    elif form.is_submitted():
        status = 400
    return render_template(
        "portal/confirm.html", provider=provider, placement=placement, form=form, today=date.today()
    ), status


def _version(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.route("/reports")
@login_required
def reports():
    """The provider's signed-off visits, newest first, each with its report (provider edition)."""
    provider = own_provider(current_user)
    visits = db.session.scalars(
        select(Visit)
        .where(reports_visible_to(current_user, "provider"), Visit.provider_id == provider.id)
        .order_by(Visit.visit_date.desc(), Visit.id.desc())
        .limit(REPORTS_SHOWN)
    ).all()
    return render_template("portal/reports.html", provider=provider, visits=visits)
