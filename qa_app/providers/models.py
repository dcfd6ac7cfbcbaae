"""Providers, the services they offer, and their current rating on the register."""

from datetime import date

from qa_app.dates import utcnow
from qa_app.extensions import db
from qa_app.framework.rating import qa_status

REGISTRATION_STATUSES = {
    "registered_independent": "Registered independent school",
    "ofsted_registered": "Ofsted-registered",
    "unregistered": "Unregistered",
    "not_known": "Not known",
}
# Statuses that come with a URN (DfE for independent schools, Ofsted otherwise).
NEEDS_URN = ("registered_independent", "ofsted_registered")

SERVICES = {
    "ks1": "Key stage 1",
    "ks2": "Key stage 2",
    "ks3": "Key stage 3",
    "ks4": "Key stage 4",
    "post16": "Post-16",
    "semh": "SEMH",
    "send": "SEND and complex needs",
    "medical": "Medical needs",
    "vocational": "Vocational",
    "tuition": "Tuition and online learning",
}


class Provider(db.Model):
    """A setting that educates pupils outside mainstream school.

    The rating columns are a copy of the latest signed-off visit's result, kept by
    visits.provider_rating.refresh_rating, so the register filters and sorts in SQL.
    """

    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False, index=True)
    address = db.Column(db.String(300), nullable=False)
    postcode = db.Column(db.String(8), nullable=False, index=True)
    borough = db.Column(db.String(80), nullable=False, index=True)
    contact_name = db.Column(db.String(120), nullable=False, default="")
    contact_email = db.Column(db.String(254), nullable=False, default="")
    contact_phone = db.Column(db.String(40), nullable=False, default="")
    registration_status = db.Column(db.String(30), nullable=False, default="not_known")
    urn = db.Column(db.String(10), nullable=False, default="")
    # UK Provider Reference Number (the UK Register of Learning Providers): 8 digits from 1.
    ukprn = db.Column(db.String(8), nullable=False, default="", server_default="")
    notes = db.Column(db.Text, nullable=False, default="")
    officer_id = db.Column(db.ForeignKey("user.id"), index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    rated_visit_id = db.Column(db.ForeignKey("visit.id", use_alter=True), nullable=True)
    rating_rag = db.Column(db.String(5), index=True)
    rating_visit_date = db.Column(db.Date)
    qa_valid_until = db.Column(db.Date, index=True)
    next_visit_due = db.Column(db.Date, index=True)
    suspended_reason = db.Column(db.Text)
    # The mandatory documents held (approved): {name: last day in date (ISO)}, and the
    # earliest of those days, kept by documents.services.refresh_documents so the register
    # filters and sorts in SQL.
    document_expiries = db.Column(db.JSON, nullable=False, default=dict, server_default="{}")
    documents_valid_until = db.Column(db.Date, index=True)

    officer = db.relationship("User", foreign_keys=[officer_id])
    services = db.relationship(
        "ProviderService", cascade="all, delete-orphan", order_by="ProviderService.service"
    )

    __table_args__ = (
        db.CheckConstraint(
            "registration_status IN ('registered_independent', 'ofsted_registered', "
            "'unregistered', 'not_known')",
            name="registration_status_known",
        ),
        # The register's usual filter: a borough and a QA status.
        db.Index("ix_provider_register", "borough", "rating_rag", "qa_valid_until"),
    )

    @property
    def service_codes(self):
        return [s.service for s in self.services]

    @property
    def registration_label(self):
        return REGISTRATION_STATUSES[self.registration_status]

    def qa_status(self, today=None):
        """(status, reason) on the given day (docs/domain.md §2.5)."""
        return provider_qa_status(self, today or date.today())

    def __repr__(self):
        return f"<Provider {self.name}>"


def provider_qa_status(provider, today):
    """(status, reason) on `today` of a provider, or of a row with the columns it rests on
    (rating_rag, qa_valid_until, suspended_reason, document_expiries)."""
    expiries = {name: date.fromisoformat(day) for name, day in (provider.document_expiries or {}).items()}
    return qa_status(
        provider.rating_rag,
        provider.qa_valid_until,
        provider.suspended_reason is not None,
        today,
        expiries,
    )


# The provider's fields as its history names them (ProviderChange.changes keys).
CHANGE_LABELS = {
    "name": "Name",
    "address": "Address",
    "postcode": "Postcode",
    "borough": "Borough",
    "registration_status": "Registration status",
    "urn": "URN",
    "ukprn": "UKPRN",
    "services": "Services",
    "contact_name": "Contact name",
    "contact_email": "Contact email",
    "contact_phone": "Contact phone",
    "officer": "Assigned officer",
    "notes": "Internal notes",
}


class ProviderChange(db.Model):
    """One save that changed a provider: who, when, and each field from what to what.

    `changes` is {field: [before, after]} with readable values (the officer's name, the
    registration status's label); `before` is None when the provider was added."""

    id = db.Column(db.Integer, primary_key=True)
    provider_id = db.Column(db.ForeignKey("provider.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"))
    at = db.Column(db.DateTime, nullable=False, default=utcnow)
    changes = db.Column(db.JSON, nullable=False)

    user = db.relationship("User")


class ProviderService(db.Model):
    """One service a provider offers (a key stage, SEMH, vocational ...)."""

    provider_id = db.Column(db.ForeignKey("provider.id", ondelete="CASCADE"), primary_key=True)
    service = db.Column(db.String(20), primary_key=True, index=True)
