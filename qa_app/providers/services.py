"""Providers: validation rules, saving and duplicate checks.

These functions flush but never commit; the caller commits once.
"""

import re

from sqlalchemy import func, select

from qa_app.auth.models import User
from qa_app.extensions import db
from qa_app.postcodes import normalise_postcode
from qa_app.providers.models import NEEDS_URN, SERVICES, Provider, ProviderService

URN = re.compile(r"^[A-Z]{0,2}[0-9]{6,7}$")


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
