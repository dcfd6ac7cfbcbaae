"""A provider's documents: upload a version, approve or reject it, and keep the provider's
record of its mandatory documents' expiry (which its QA status reads).

These functions never read the request; they flush but never commit."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from qa_app.documents.files import check_file, safe_filename
from qa_app.documents.models import ProviderDocument
from qa_app.domain import Conflict, Forbidden, Invalid, Locked
from qa_app.extensions import db
from qa_app.framework.documents import documents_of
from qa_app.framework.services import current_version
from qa_app.notifications.models import utcnow
from qa_app.providers.models import Provider
from qa_app.providers.scopes import is_staff_of, reviews_for

REASON_LIMIT = 2000
# A document dated this far ahead is a typing mistake (ten years).
LONGEST_DAYS = 3653


def required_documents():
    """The documents a provider must hold under the framework version in force."""
    version = current_version()
    return documents_of(version.rules) if version is not None else []


@dataclass
class DocumentRow:
    """One required document of a provider: what is held, what waits, and every version."""

    code: str
    name: str
    mandatory: bool
    held: ProviderDocument | None = None
    waiting: ProviderDocument | None = None
    versions: list = field(default_factory=list)

    def state(self, today):
        """(code, words) for the tag beside the document."""
        if self.held is None:
            return ("waiting", "Waiting for approval") if self.waiting else ("missing", "Not uploaded")
        days = (self.held.expiry_date - today).days
        if days < 0:
            return "out_of_date", "Out of date"
        if days <= 42:
            return "expiring", "Expires soon"
        return "in_date", "In date"


def documents_of_provider(provider):
    """Each required document of the provider, with its versions (newest first), in the
    framework's order; then any document the provider holds that is no longer required."""
    versions = db.session.scalars(
        select(ProviderDocument)
        .where(ProviderDocument.provider_id == provider.id)
        .order_by(ProviderDocument.uploaded_at.desc(), ProviderDocument.id.desc())
    ).all()
    rows = {d["code"]: DocumentRow(d["code"], d["name"], d["mandatory"]) for d in required_documents()}
    for document in versions:
        row = rows.get(document.code)
        if row is None:
            continue
        row.versions.append(document)
        if document.status == "approved" and (
            row.held is None or document.expiry_date > row.held.expiry_date
        ):
            row.held = document
        if document.status == "pending" and row.waiting is None:
            row.waiting = document
    return list(rows.values())


def find_document(provider, document_id):
    """One of the provider's uploaded versions, or None."""
    return db.session.scalars(
        select(ProviderDocument).filter_by(id=document_id, provider_id=provider.id)
    ).first()


def refresh_documents(provider):
    """Copy the expiry of each mandatory document the provider holds onto the provider (the
    latest expiry among its approved versions), for the QA status and the register's SQL."""
    held = {
        row.name: row.held.expiry_date
        for row in documents_of_provider(provider)
        if row.mandatory and row.held
    }
    provider.document_expiries = {name: day.isoformat() for name, day in held.items()}
    provider.documents_valid_until = min(held.values()) if held else None
    db.session.flush()


def refresh_all():
    """refresh_documents for every provider with a document (the framework in force may
    have changed its list); returns how many."""
    ids = db.session.scalars(select(ProviderDocument.provider_id).distinct()).all()
    for provider in db.session.scalars(select(Provider).where(Provider.id.in_(ids))):
        refresh_documents(provider)
    return len(ids)


def _dates(issue_date, expiry_date, today):
    errors = {}
    if issue_date is None:
        errors["issue_date"] = "Enter the date the document was issued"
    elif issue_date > today:
        errors["issue_date"] = "The issue date must be today or in the past"
    if expiry_date is None:
        errors["expiry_date"] = "Enter the date the document expires"
    elif issue_date and expiry_date < issue_date:
        errors["expiry_date"] = "The expiry date must be on or after the issue date"
    elif (expiry_date - today).days > LONGEST_DAYS:
        errors["expiry_date"] = "The expiry date must be within ten years"
    return errors


def upload_document(user, provider, code, data, filename, issue_date, expiry_date, today=None):
    """Store a new version of one of the provider's documents, waiting for approval."""
    today = today or date.today()
    if not is_staff_of(user, provider):
        raise Forbidden("Only the provider's own staff upload its documents.")
    required = {d["code"]: d for d in required_documents()}
    if code not in required:
        raise Invalid({"code": "Choose one of the documents listed"})
    errors = _dates(issue_date, expiry_date, today)
    content_type, problem = check_file(data)
    if problem:
        errors["file"] = problem
    if errors:
        raise Invalid(errors)
    document = ProviderDocument(
        provider_id=provider.id,
        code=code,
        name=required[code]["name"],
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        size=len(data),
        data=data,
        issue_date=issue_date,
        expiry_date=expiry_date,
        uploaded_by_id=user.id,
    )
    db.session.add(document)
    db.session.flush()
    return document


def review_document(user, document, decision, reason, version):
    """The provider's officer (or the Head of Access) approves a waiting document, or
    rejects it with a reason; `version` is the one the reviewer read."""
    if not reviews_for(user, document.provider):
        raise Forbidden("Only the provider's officer or the Head of Access reviews its documents.")
    if version != document.version:
        raise Conflict("This document changed after you opened it: read it again.")
    if document.status != "pending":
        raise Locked(f"This document is already {document.status_label.lower()}.")
    reason = (reason or "").strip()
    if decision not in ("approve", "reject"):
        raise Invalid({"decision": "Choose whether to approve or reject the document"})
    if decision == "reject" and not reason:
        raise Invalid({"reason": "Say why the document is rejected, so the provider can put it right"})
    if len(reason) > REASON_LIMIT:
        raise Invalid({"reason": f"The reason must be {REASON_LIMIT} characters or fewer"})
    document.status = "approved" if decision == "approve" else "rejected"
    document.rejection_reason = reason if decision == "reject" else ""
    document.reviewed_by_id = user.id
    document.reviewed_at = utcnow()
    db.session.flush()
    refresh_documents(document.provider)
    return document


def waiting_for(user):
    """Documents waiting for this user's approval: their providers' (all for the Head of Access)."""
    query = (
        select(ProviderDocument)
        .join(Provider, ProviderDocument.provider_id == Provider.id)
        .where(ProviderDocument.status == "pending")
        .order_by(ProviderDocument.uploaded_at)
    )
    if getattr(user, "role", None) != "head_of_access":
        query = query.where(Provider.officer_id == user.id)
    return db.session.scalars(query.limit(200)).all()
