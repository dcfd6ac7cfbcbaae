"""The save that may submit: save_visit, then the escalation a submitted visit raises.

Both the sync API and the HTML submit button come here. Flushes, never commits.
"""

from qa_app.escalations.raising import raise_from_visit
from qa_app.visits.saving import save_visit


def save(user, visit_uuid, change, base_version=None, require_version=True, kept_copy=None):
    """Save a visit (visits.saving.save_visit); when this save submits it, escalate if the
    registration check says so. Returns (visit, created)."""
    visit, created = save_visit(user, visit_uuid, change, base_version, require_version, kept_copy)
    if change.submit:
        raise_from_visit(visit, user)
    return visit, created
