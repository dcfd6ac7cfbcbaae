"""Downloading and emailing visit reports, and the referral pack. The register's exports, at
/providers/export.csv and .pdf, are pages of qa_app/pages/register_exports.py."""

import io

from flask import abort, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required

from qa_app.audit.reads import audited
from qa_app.auth.permissions import authorize
from qa_app.domain import DomainError, Forbidden, NotFound
from qa_app.escalations import services as escalations
from qa_app.extensions import db
from qa_app.reports import bp, escalation_pack, pdf, services
from qa_app.reports.downloads import download
from qa_app.reports.entries import EDITIONS
from qa_app.visits.services import visible_visit


@bp.route("/visits/<visit_uuid>/report.pdf")
@login_required
@audited("download", "visit", "visit_uuid")
def visit_report(visit_uuid):
    """The visit report as a PDF: the internal edition, or ?edition=provider."""
    edition = request.args.get("edition", "internal")
    if edition not in EDITIONS:
        abort(404)
    try:
        visit = services.readable_visit(current_user, visit_uuid, edition)
    except Forbidden:
        abort(403)
    except NotFound:
        abort(404)
    report, data = services.report_pdf(visit, edition)
    return download(io.BytesIO(data), "application/pdf", services.report_filename(report))


@bp.route("/visits/<visit_uuid>/report/email", methods=["POST"])
@login_required
def email_report(visit_uuid):
    """Email the shared edition to the provider's contact (or the school's staff), and note it
    in the visit's history."""
    authorize("report.email")
    try:
        visit = visible_visit(current_user, visit_uuid, full=True)
    except NotFound:
        abort(404)
    try:
        whom = services.email_report(current_user, visit)
    except DomainError as problem:
        db.session.rollback()
        flash(str(problem), "error")
    else:
        db.session.commit()
        edition = "school" if visit.is_school_visit else "provider"
        flash(f"The {edition} edition of the report was emailed to {whom}.")
    return redirect(url_for("visits.show", visit_uuid=visit.uuid))


@bp.route("/escalations/<int:escalation_id>/referral-pack.pdf")
@login_required
@audited("download", "escalation", "escalation_id")
def referral_pack(escalation_id):
    """The referral pack for the Director of Education (internal: casework only)."""
    authorize("escalation.view")
    try:
        escalation = escalations.visible_escalation(current_user, escalation_id)
    except NotFound:
        abort(404)
    escalations.record(escalation, current_user, "referral_pack")
    data = pdf.build_referral_pack(
        escalation_pack.referral_pack(escalation, current_app.config["AUTHORITY_NAME"])
    )
    db.session.commit()
    return download(io.BytesIO(data), "application/pdf", f"referral-pack-{escalation.reference}.pdf")
