"""How the benchmark saves visits: through the app's own services, as the API does.

Every visit the benchmark creates or changes goes through `save`, the one place in
bench/ that saves one, so a change to the save path is made here once.
"""

import uuid

from qa_app.schemas import read
from qa_app.submission.services import save as save_visit
from qa_app.visits.schemas import VisitBody
from qa_app.visits.services import sign_off


def save(officer, visit_uuid, body, base_version=None):
    """Create or change a visit from a JSON body as PUT /api/visits/<uuid> takes it;
    returns the visit. Flushes; the caller commits."""
    visit, _created = save_visit(officer, visit_uuid, read(VisitBody, body).to_change(), base_version)
    return visit


def save_signed_off(officer, head, body):
    """A visit saved as a draft, submitted with a second save (as the officer's last save
    does), then signed off by the Head of Access; returns the visit."""
    visit = save(officer, str(uuid.uuid4()), {**body, "status": "draft"})
    visit = save(officer, visit.uuid, {**body, "status": "submitted"}, visit.version)
    sign_off(head, visit)
    return visit
