"""Who may read which edition of a visit's report; building it; emailing it to the provider
(or, for a school visit, to the school's staff).

These functions flush but never commit; the caller commits once.
"""

import smtplib

from flask import current_app
from sqlalchemy import select

from qa_app.auth.permissions import can
from qa_app.auth.services import active_emails
from qa_app.dates import long_date
from qa_app.domain import Forbidden, Invalid, Locked, NotDelivered, NotFound, valid_uuid
from qa_app.extensions import db
from qa_app.framework.rating import RAG_LABELS
from qa_app.mail import send_email
from qa_app.reports.content import visit_report
from qa_app.reports.pdf import build_visit_report
from qa_app.visits.audit import record_event
from qa_app.visits.models import Visit
from qa_app.visits.scopes import reports_visible_to
from qa_app.visits.services import with_everything


def readable_visit(user, visit_uuid, edition):
    """The visit, fully loaded, if this user may read its report in this edition
    (visits.scopes.reports_visible_to); Forbidden for a school asking for the internal
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


def report_recipients(visit):
    """Who the visit's shared edition is emailed to: (addresses, whom in words). The
    provider's contact; for a school visit, the school's staff who sign in here.

    Raises Invalid when there is no one to send it to."""
    if visit.is_school_visit:
        school = visit.school
        emails = active_emails("school", school_id=school.id)
        if not emails:
            raise Invalid(
                {"staff": f"{school.name} has no staff who sign in here: download the report instead."}
            )
        return emails, f"{len(emails)} staff of {school.name}" if len(emails) > 1 else emails[0]
    provider = visit.provider
    if not provider.contact_email:
        raise Invalid(
            {
                "contact_email": f"{provider.name} has no contact email: add one to the provider's details first."
            }
        )
    return [provider.contact_email], provider.contact_email


def email_report(user, visit):
    """Email the shared edition (the provider's, or the school's) to report_recipients and note
    it in the visit's history; returns whom it went to, in words."""
    if visit.status != "signed_off":
        raise Locked("Only a signed-off visit's report can be sent.")
    recipients, whom = report_recipients(visit)
    if not current_app.config.get("MAIL_SERVER"):
        raise NotDelivered("Email is not set up on this server (MAIL_SERVER): download the report instead.")
    report, pdf = report_pdf(visit, "provider")
    visited = visit.visited
    try:
        send_email(
            recipients,
            f"Quality assurance visit report: {visited.name}, {long_date(visit.visit_date)}",
            _email_body(report, visit),
            attachments=[(report_filename(report), "application/pdf", pdf)],
        )
    except (smtplib.SMTPException, OSError) as problem:
        current_app.logger.warning("Report %s not emailed: %s", report.reference, problem)
        raise NotDelivered("The email could not be sent. Nothing was recorded: try again later.") from problem
    edition = "School" if visit.is_school_visit else "Provider"
    record_event(visit, user, "email", comment=f"{edition} edition emailed to {whom}")
    return whom


def _email_body(report, visit):
    rating = RAG_LABELS.get(report.overall_rag, "not rated")
    if visit.is_school_visit:
        greeting, parts = f"Dear colleagues at {visit.school.name}", "area"
    else:
        greeting, parts = f"Dear {visit.provider.contact_name or visit.provider.name}", "theme"
    return (
        f"{greeting},\n\n"
        f"Please find attached the report of our quality assurance visit to {visit.visited.name} "
        f"on {long_date(visit.visit_date)} (reference {report.reference}).\n\n"
        f"The overall rating is {rating}. The report gives the rating of each {parts} of the "
        "framework with the evidence seen, and the actions agreed with their due dates.\n\n"
        f"If you have any questions about the report, please contact {visit.officer.name}.\n\n"
        f"{report.authority}\nAlternative provision quality assurance\n"
    )
