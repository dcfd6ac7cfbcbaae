"""Inviting provider staff (the provider's officer, or an administrator) and the one-time
link with which a person sets their password and joins."""

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, login_user

from qa_app.auth.permissions import authorize
from qa_app.dates import long_date
from qa_app.domain import Forbidden, Invalid, Locked, NotFound
from qa_app.extensions import db
from qa_app.forms import show_errors
from qa_app.portal import staff_bp as bp
from qa_app.portal.forms import AcceptInvitationForm, InvitationForm, RequestSelfAssessmentForm
from qa_app.portal.invitations import (
    accept,
    invite,
    open_invitation,
    pending_invitations,
    staff_of,
)
from qa_app.providers.models import Provider
from qa_app.providers.scopes import may_invite
from qa_app.selfassessment.services import may_request, open_request
from qa_app.selfassessment.services import request_self_assessment as ask_for_self_assessment


@bp.route("/providers/<int:provider_id>/staff", methods=["GET", "POST"])
@login_required
def index(provider_id):
    """The provider's staff and pending invitations, and the form to invite someone."""
    if current_user.role not in ("officer", "admin"):
        abort(403)
    provider = db.get_or_404(Provider, provider_id)
    if not may_invite(current_user, provider):
        abort(404)
    form = InvitationForm()
    status = 200
    if form.validate_on_submit():
        try:
            invitation, _ = invite(
                current_user,
                provider,
                form.name.data,
                form.email.data,
                lambda token: url_for("provider_staff.accept_invitation", token=token, _external=True),
            )
            db.session.commit()
            flash(f"Invitation sent to {invitation.email}. The link works once, for 7 days.")
            return redirect(url_for("provider_staff.index", provider_id=provider.id))
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error.fields)
            status = 400
        except Forbidden:
            abort(404)
    elif form.is_submitted():
        status = 400
    return render_template(
        "portal/staff.html",
        provider=provider,
        staff=staff_of(provider),
        pending=pending_invitations(provider),
        form=form,
    ), status


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    """Set a password with a one-time invitation link, and sign in."""
    if current_user.is_authenticated:
        abort(403)
    try:
        invitation = open_invitation(token)
    except NotFound:
        abort(404)
    except Locked as error:
        return render_template("portal/invitation_closed.html", message=error.message), 410
    form = AcceptInvitationForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = accept(token, form.password.data, form.confirm.data)
            db.session.commit()
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error.fields)
            status = 400
        except Locked as error:
            db.session.rollback()
            return render_template("portal/invitation_closed.html", message=error.message), 410
        else:
            session.clear()
            session.permanent = True
            login_user(user)
            flash(f"Welcome, {user.name}. You are signed in as staff of {invitation.provider.name}.")
            return redirect(url_for("portal.home"))
    elif form.is_submitted():
        status = 400
    return render_template("portal/accept.html", invitation=invitation, form=form), status


@bp.route("/providers/<int:provider_id>/self-assessment/request", methods=["GET", "POST"])
@login_required
def request_self_assessment(provider_id):
    """The provider's officer (or the Head of Access) asks it for a self-assessment by a deadline."""
    authorize("visit.start")
    provider = db.get_or_404(Provider, provider_id)
    if not may_request(current_user, provider):
        abort(404)
    form = RequestSelfAssessmentForm()
    today = date.today()
    if not form.is_submitted():
        form.deadline.data = today + timedelta(days=14)
    status = 200
    if form.validate_on_submit():
        try:
            assessment = ask_for_self_assessment(current_user, provider, form.deadline.data, today)
            db.session.commit()
            flash(f"{provider.name} is asked for its self-assessment by {long_date(assessment.deadline)}.")
            return redirect(url_for("visits.programme"))
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error.fields)
            status = 400
    elif form.is_submitted():
        status = 400
    return render_template(
        "portal/request_self_assessment.html",
        provider=provider,
        form=form,
        already=open_request(provider.id),
        staff=staff_of(provider),
    ), status
