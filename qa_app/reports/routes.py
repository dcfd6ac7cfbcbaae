"""Downloading and emailing visit reports; exporting the register as CSV and PDF."""

import io
import tempfile
from datetime import date, datetime

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required

from qa_app.audit.reads import audited
from qa_app.auth.permissions import authorize
from qa_app.domain import DomainError, Forbidden, NotFound
from qa_app.escalations import services as escalations
from qa_app.extensions import db
from qa_app.providers.search import RegisterFilterForm, register_filters
from qa_app.reports import bp, escalation_pack, pdf, register, services
from qa_app.reports.entries import EDITIONS
from qa_app.visits.services import visible_visit


def download(data, mimetype, filename):
    """A file to save, never kept in a shared cache."""
    response = send_file(data, mimetype=mimetype, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


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


@bp.route("/providers/export.csv")
@login_required
def register_csv():
    """The register as filtered on screen, every page of it, as CSV."""
    authorize("register.view")
    filters = register_filters(RegisterFilterForm(request.args))
    data = register.register_csv(register.register_rows(filters, date.today()))
    return download(io.BytesIO(data), "text/csv; charset=utf-8", f"provider-register-{date.today()}.csv")


@bp.route("/providers/export.pdf")
@login_required
def register_pdf():
    """The register as filtered on screen, every page of it, as a landscape PDF table."""
    authorize("register.view")
    filters = register_filters(RegisterFilterForm(request.args))
    today = date.today()
    # On disk, not in memory, for a 10,000-row register; send_file closes it once sent.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    pdf.write_register_pdf(
        out,
        register.register_rows(filters, today),
        authority=current_app.config["AUTHORITY_NAME"],
        filters=register.describe_filters(filters),
        sort=register.sort_label(filters),
        total=register.count_rows(filters, today),
        produced_at=datetime.now(),
    )
    out.seek(0)
    return download(out, "application/pdf", f"provider-register-{today}.pdf")


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
