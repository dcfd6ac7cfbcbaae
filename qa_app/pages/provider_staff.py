"""A provider's staff who sign in, with inviting them (the provider's officer, or an
administrator); asking the provider for a self-assessment (its officer, or the Head of
Access); and a document the provider gave with its self-assessment, for those who may read it
(the provider's own staff, and the officers and Head of Access who review the provider). The
invitations and the rules are in portal and selfassessment."""

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from qa_app.auth.permissions import authorize
from qa_app.dates import long_date
from qa_app.documents.files import as_download
from qa_app.domain import Forbidden, Invalid
from qa_app.extensions import db
from qa_app.forms import show_errors
from qa_app.pages import bp
from qa_app.portal.forms import InvitationForm, RequestSelfAssessmentForm
from qa_app.portal.invitations import invite, pending_invitations, staff_of
from qa_app.providers.models import Provider
from qa_app.providers.scopes import may_invite, may_see_documents
from qa_app.selfassessment.models import SelfAssessmentFile
from qa_app.selfassessment.services import may_request, open_request
from qa_app.selfassessment.services import request_self_assessment as ask_for_self_assessment

# Roles that never read a provider's self-assessment.
OUTSIDERS = ("school", "admin")


@bp.route("/providers/<int:provider_id>/staff", methods=["GET", "POST"])
@login_required
def provider_staff(provider_id):
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
            return redirect(url_for("pages.provider_staff", provider_id=provider.id))
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


@bp.route("/providers/<int:provider_id>/self-assessment/request", methods=["GET", "POST"])
@login_required
def provider_self_assessment_request(provider_id):
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


@bp.route("/providers/<int:provider_id>/self-assessment-files/<int:file_id>")
@login_required
def provider_self_assessment_file(provider_id, file_id):
    """The document, as the type its bytes showed it to be, to download."""
    if current_user.role in OUTSIDERS:
        abort(403)
    provider = db.session.get(Provider, provider_id)
    stored = db.session.get(SelfAssessmentFile, file_id)
    if (
        provider is None
        or stored is None
        or stored.self_assessment.provider_id != provider.id
        or not may_see_documents(current_user, provider)
    ):
        abort(404)
    return as_download(stored.data, stored.content_type, stored.filename)
