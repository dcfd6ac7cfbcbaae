"""The demo provider's own records: its documents (one expiring in 20 days, one out of date),
two actions from its last visit to answer, and a draft report in its factual-accuracy window.
Everything goes through the app's services, as the provider and its officer would do it."""

import random
import uuid
from datetime import datetime, time, timedelta

from sqlalchemy import select

from qa_app.demo.timeline import date_visit, working_day
from qa_app.documents.services import required_documents, review_document, upload_document
from qa_app.drafts.services import share_draft
from qa_app.extensions import db
from qa_app.framework.services import current_version
from qa_app.schemas import read
from qa_app.visits.models import VisitEvent
from qa_app.visits.saving import save_visit
from qa_app.visits.schemas import VisitBody
from qa_app.visits.services import sign_off

# A tiny PDF standing for each scanned document.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXPIRING = "employers_liability"  # expires in 20 days
OUT_OF_DATE = "fire_risk_assessment"  # ran out 5 days ago: within the 14 days of grace
PARTLY = {
    "QE1": "Progress is tracked termly, not weekly; starting points missing for two pupils.",
    "HS4": "Fire drill log has no entry since the summer term.",
}


def _documents(provider, staff, officer, today):
    """Every required document uploaded by the provider and approved by its officer."""
    for document in required_documents():
        expiry = today + timedelta(days=230)
        if document["code"] == EXPIRING:
            expiry = today + timedelta(days=20)
        elif document["code"] == OUT_OF_DATE:
            expiry = today - timedelta(days=5)
        issued = expiry - timedelta(days=365)
        filename = document["code"].replace("_", "-") + ".pdf"
        uploaded = upload_document(
            staff, provider, document["code"], PDF, filename, issued, expiry, today=expiry
        )
        review_document(officer, uploaded, "approve", "", uploaded.version)


def visit_body(provider, visit_date, version, **fields):
    judgements = [
        {
            "criterion": c.code,
            "rating": "partly_met" if c.code in PARTLY else "met",
            "evidence": PARTLY.get(c.code, ""),
        }
        for c in version.active_criteria()
    ]
    return {
        "provider_id": provider.id,
        "visit_date": visit_date.isoformat(),
        "judgements": judgements,
        **fields,
    }


def _visit(officer, body):
    """Save a visit as the officer and submit it."""
    visit_uuid = str(
        uuid.UUID(int=random.Random(body["visit_date"] + str(body["provider_id"])).getrandbits(128))
    )
    visit, _ = save_visit(officer, visit_uuid, read(VisitBody, {**body, "status": "draft"}).to_change())
    visit, _ = save_visit(
        officer,
        visit_uuid,
        read(VisitBody, {**body, "status": "submitted"}).to_change(),
        base_version=visit.version,
    )
    return visit


def seed_provider_records(provider, staff, officer, head, today):
    """The demo provider's documents, actions to answer and draft report."""
    version = current_version()
    _documents(provider, staff, officer, today)
    last = working_day(today - timedelta(days=120))
    actions = [
        {
            "description": "Carry out and log a fire drill each term",
            "owner": "provider",
            "due": (today - timedelta(days=5)).isoformat(),
        },
        {
            "description": "Track each pupil's progress weekly against their starting points",
            "owner": "provider",
            "due": (today + timedelta(days=25)).isoformat(),
        },
    ]
    visit = _visit(
        officer, visit_body(provider, last, version, actions=actions, strengths="Calm, purposeful sessions.")
    )
    sign_off(head, visit)
    date_visit(visit, today)
    latest = _visit(
        officer,
        visit_body(
            provider,
            working_day(today - timedelta(days=3)),
            version,
            strengths="Pupils value their key workers.",
        ),
    )
    shared_on = working_day(today - timedelta(days=1))
    share = share_draft(officer, latest, today=shared_on)
    date_visit(latest, today)
    share.shared_at = datetime.combine(shared_on, time(10, 30))
    for event in db.session.scalars(
        select(VisitEvent).where(VisitEvent.visit_id == latest.id, VisitEvent.action == "share_draft")
    ):
        event.at = share.shared_at
    db.session.flush()
