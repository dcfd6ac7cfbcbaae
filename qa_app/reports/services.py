"""Who may read which edition of a visit's report; building it; emailing it to the provider.

These functions flush but never commit; the caller commits once.
"""

import smtplib

from flask import current_app
from sqlalchemy import select

from qa_app.auth.permissions import can, reports_visible_to
from qa_app.dates import long_date
from qa_app.domain import Forbidden, Invalid, Locked, NotDelivered, NotFound
from qa_app.extensions import db
from qa_app.framework.rating import RAG_LABELS
from qa_app.mail import send_email
from qa_app.reports.content import visit_report
from qa_app.reports.pdf import build_visit_report
from qa_app.visits.audit import record_event
from qa_app.visits.models import Visit
from qa_app.visits.services import valid_uuid, with_everything


def readable_visit(user, visit_uuid, edition):
    """The visit, fully loaded, if this user may read its report in this edition
    (auth.permissions.reports_visible_to); Forbidden for a school asking for the internal
    edition, NotFound otherwise."""
    if not can(user, "visit.view") and (edition != "provider" or not can(user, "report.provider_edition")):
        raise Forbidden("This edition of the report is for the authority's staff only")
    visit_uuid = valid_uuid(visit_uuid)
    visit = visit_uuid and db.session.scalar(
        select(Visit)
        .options(*with_everything())
        .where(Visit.uuid == visit_uuid, reports_visible_to(user, edition))
    )
    if not visit:
        raise NotFound("No such visit.")
    return visit


def report_pdf(visit, edition):
    """(the gathered report, its PDF bytes) for one edition of the visit's report."""
    report = visit_report(visit, current_app.config["AUTHORITY_NAME"], edition)
    return report, build_visit_report(report)


def report_filename(report):
    """The download name, e.g. QA-2026-12-1a2b3c4d-provider.pdf."""
    return f"{report.reference}-{report.edition}.pdf"


def email_provider_report(user, visit):
    """Email the provider edition to the provider's contact and note it in the visit's history."""
    provider = visit.provider
    if provider is None:
        message = "A school visit's report is for the school's staff to download: it is not emailed."
        raise Invalid({"visit": message}, message)
    if visit.status != "signed_off":
        raise Locked("Only a signed-off visit's report can be sent to the provider.")
    if not provider.contact_email:
        raise Invalid(
            {
                "contact_email": f"{provider.name} has no contact email: add one to the provider's details first."
            }
        )
    if not current_app.config.get("MAIL_SERVER"):
        raise NotDelivered("Email is not set up on this server (MAIL_SERVER): download the report instead.")
    report, pdf = report_pdf(visit, "provider")
    try:
        send_email(
            [provider.contact_email],
            f"Quality assurance visit report: {provider.name}, {long_date(visit.visit_date)}",
            _email_body(report, provider, visit),
            attachments=[(report_filename(report), "application/pdf", pdf)],
        )
    except (smtplib.SMTPException, OSError) as problem:
        current_app.logger.warning("Report %s not emailed: %s", report.reference, problem)
        raise NotDelivered("The email could not be sent. Nothing was recorded: try again later.") from problem
    record_event(visit, user, "email", comment=f"Provider edition emailed to {provider.contact_email}")


def _email_body(report, provider, visit):
    rating = RAG_LABELS.get(report.overall_rag, "not rated")
    return (
        f"Dear {provider.contact_name or provider.name},\n\n"
        f"Please find attached the report of our quality assurance visit to {provider.name} "
        f"on {long_date(visit.visit_date)} (reference {report.reference}).\n\n"
        f"The overall rating is {rating}. The report gives the rating of each theme of the "
        "framework with the evidence seen, and the actions agreed with their due dates.\n\n"
        f"If you have any questions about the report, please contact {visit.officer.name}.\n\n"
        f"{report.authority}\nAlternative provision quality assurance\n"
    )
