"""Providers: validation rules, saving, duplicate checks and the register's rating copy.

These functions flush but never commit; the caller commits once.
"""

import re
from datetime import date

from sqlalchemy import func, select

from qa_app.auth.models import User
from qa_app.extensions import db
from qa_app.framework.rating import next_visit_due, qa_valid_until
from qa_app.providers.models import NEEDS_URN, SERVICES, Provider, ProviderService
from qa_app.visits.models import Visit

# The UK postcode format (including GIR 0AA), after removing spaces and upper-casing.
POSTCODE = re.compile(
    r"^(GIR0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|"
    r"[A-HK-Y][0-9][ABEHMNPRV-Y])[0-9][ABD-HJLNP-UW-Z]{2})$"
)
URN = re.compile(r"^[A-Z]{0,2}[0-9]{6,7}$")


def normalise_postcode(text):
    """'sw1a1aa ' -> 'SW1A 1AA'; None when it is not a UK postcode."""
    compact = re.sub(r"\s+", "", text or "").upper()
    if not POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def normalise_name(name):
    """Names compare without case or repeated spaces."""
    return " ".join((name or "").split()).lower()


def likely_duplicates(name, postcode, exclude_id=None):
    """Providers with the same name and postcode as the one being saved."""
    query = select(Provider).where(
        func.lower(Provider.name) == normalise_name(name), Provider.postcode == postcode
    )
    if exclude_id is not None:
        query = query.where(Provider.id != exclude_id)
    return db.session.scalars(query).all()


def save_provider(provider, data):
    """Copy validated form data onto a provider (new or existing) and flush it."""
    provider.name = " ".join(data["name"].split())
    provider.address = data["address"].strip()
    provider.postcode = normalise_postcode(data["postcode"])
    provider.borough = " ".join(data["borough"].split())
    provider.contact_name = (data.get("contact_name") or "").strip()
    provider.contact_email = (data.get("contact_email") or "").strip().lower()
    provider.contact_phone = (data.get("contact_phone") or "").strip()
    provider.registration_status = data["registration_status"]
    provider.urn = (data.get("urn") or "").strip().upper() if data["registration_status"] in NEEDS_URN else ""
    provider.notes = (data.get("notes") or "").strip()
    provider.officer_id = data.get("officer_id") or None
    wanted = [s for s in SERVICES if s in set(data.get("services") or [])]
    provider.services = [ProviderService(service=s) for s in wanted]
    db.session.add(provider)
    db.session.flush()
    return provider


def officers():
    """Active QA officers, for assigning providers to them."""
    return db.session.scalars(
        select(User).where(User.role == "officer", User.active.is_(True)).order_by(User.name)
    ).all()


def refresh_rating(provider, today=None):
    """Copy the latest signed-off visit's rating onto the provider (the register reads it)."""
    visit = db.session.scalar(
        select(Visit)
        .where(Visit.provider_id == provider.id, Visit.status == "signed_off")
        .order_by(Visit.visit_date.desc(), Visit.signed_off_at.desc(), Visit.id.desc())
        .limit(1)
    )
    today = today or date.today()
    if visit is None or visit.overall_rag is None:
        provider.rated_visit_id = None
        provider.rating_rag = None
        provider.rating_visit_date = None
        provider.qa_valid_until = None
        provider.next_visit_due = None  # never visited: due now
    else:
        rules = visit.framework_version.rules
        provider.rated_visit_id = visit.id
        provider.rating_rag = visit.overall_rag
        provider.rating_visit_date = visit.visit_date
        provider.qa_valid_until = qa_valid_until(visit.overall_rag, visit.visit_date, rules)
        provider.next_visit_due = next_visit_due(visit.overall_rag, visit.visit_date, rules, today)
    db.session.flush()
    return provider
