"""Settling a visit's kept copy (a conflict: the tablet's change based on an older version),
by the officer whose copy it is: theirs saved over the stored visit, or set aside."""

from qa_app.dates import utcnow
from qa_app.extensions import db
from qa_app.schemas import read
from qa_app.visits.saving import save_visit
from qa_app.visits.schemas import VisitBody


def resolve_conflict(user, visit, conflict, choice, base_version):
    """Settle a kept copy: "mine" saves it over the stored visit, "theirs" sets it aside."""
    if choice == "mine":
        change = read(VisitBody, dict(conflict.payload, status="draft")).to_change()
        save_visit(user, visit.uuid, change, base_version)
    conflict.resolved_at, conflict.resolution = utcnow(), choice
    db.session.flush()
