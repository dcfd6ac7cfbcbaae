"""Providers: validation rules, saving and duplicate checks.

These functions flush but never commit; the caller commits once.
"""

import re

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from qa_app.auth.models import User
from qa_app.auth.permissions import can
from qa_app.domain import Forbidden
from qa_app.extensions import db
from qa_app.postcodes import normalise_postcode
from qa_app.providers.models import (
    NEEDS_URN,
    REGISTRATION_STATUSES,
    SERVICES,
    Provider,
    ProviderChange,
    ProviderService,
)

URN = re.compile(r"^[A-Z]{0,2}[0-9]{6,7}$")
UKPRN = re.compile(r"^1[0-9]{7}$")


def normalise_name(name):
    """Names compare without case or repeated spaces."""
    return " ".join((name or "").split()).lower()


def providers_by_reference(cells):
    """{normalise_name(cell): [provider ids]} for cells that each name a provider by its
    name, URN or UKPRN as the register shows them, in one query."""
    keys = {normalise_name(cell) for cell in cells if cell}
    if not keys:
        return {}
    codes = {key.upper() for key in keys}
    found = db.session.execute(
        select(Provider.id, Provider.name, Provider.urn, Provider.ukprn).where(
            or_(func.lower(Provider.name).in_(keys), Provider.urn.in_(codes), Provider.ukprn.in_(codes))
        )
    ).all()
    matches = {}
    for provider_id, name, urn, ukprn in found:
        for key in {normalise_name(name), urn.lower(), ukprn.lower()} & keys:
            matches.setdefault(key, []).append(provider_id)
    return matches


def likely_duplicates(name, postcode, exclude_id=None):
    """Providers with the same name and postcode as the one being saved."""
    query = select(Provider).where(
        func.lower(Provider.name) == normalise_name(name), Provider.postcode == postcode
    )
    if exclude_id is not None:
        query = query.where(Provider.id != exclude_id)
    return db.session.scalars(query).all()


def save_provider(provider, data, user=None):
    """Copy validated form data onto a provider (new or existing), flush it, and add the
    change to its history. Only the Head of Access and admins change the assigned officer
    (Forbidden for anyone else); data without officer_id keeps it. `user` None is the app
    itself (demo data, tests' factories)."""
    officer_id = data.get("officer_id") or None if "officer_id" in data else provider.officer_id
    if officer_id != provider.officer_id and user is not None and not can(user, "provider.assign_officer"):
        raise Forbidden("Only the Head of Access or an administrator assigns a provider's officer.")
    before = snapshot(provider) if provider.id is not None else dict.fromkeys(snapshot(provider))
    provider.name = " ".join(data["name"].split())
    provider.address = data["address"].strip()
    provider.postcode = normalise_postcode(data["postcode"])
    provider.borough = " ".join(data["borough"].split())
    provider.contact_name = (data.get("contact_name") or "").strip()
    provider.contact_email = (data.get("contact_email") or "").strip().lower()
    provider.contact_phone = (data.get("contact_phone") or "").strip()
    provider.registration_status = data["registration_status"]
    provider.urn = (data.get("urn") or "").strip().upper() if data["registration_status"] in NEEDS_URN else ""
    provider.ukprn = (data.get("ukprn") or "").strip()
    provider.notes = (data.get("notes") or "").strip()
    provider.officer_id = officer_id
    wanted = [s for s in SERVICES if s in set(data.get("services") or [])]
    if wanted != provider.service_codes:
        provider.services = [ProviderService(service=s) for s in wanted]
    db.session.add(provider)
    db.session.flush()
    after = snapshot(provider)
    changes = {field: [before[field], value] for field, value in after.items() if before[field] != value}
    if changes:
        db.session.add(
            ProviderChange(provider_id=provider.id, user_id=user.id if user else None, changes=changes)
        )
        db.session.flush()
    return provider


def snapshot(provider):
    """The provider's fields as its history shows them (names and labels, not codes)."""
    officer = db.session.get(User, provider.officer_id) if provider.officer_id else None
    return {
        "name": provider.name,
        "address": provider.address,
        "postcode": provider.postcode,
        "borough": provider.borough,
        "registration_status": REGISTRATION_STATUSES.get(provider.registration_status),
        "urn": provider.urn,
        "ukprn": provider.ukprn,
        "services": ", ".join(SERVICES[s] for s in provider.service_codes),
        "contact_name": provider.contact_name,
        "contact_email": provider.contact_email,
        "contact_phone": provider.contact_phone,
        "officer": officer.name if officer else "Not assigned",
        "notes": provider.notes,
    }


def history(provider):
    """The provider's changes, newest first, with who made them."""
    return db.session.scalars(
        select(ProviderChange)
        .options(joinedload(ProviderChange.user))
        .where(ProviderChange.provider_id == provider.id)
        .order_by(ProviderChange.at.desc(), ProviderChange.id.desc())
    ).all()
