"""The provider's own pages: what provider staff see of their provider and do
for it. Every page under /provider shows one provider, the signed-in user's own.
`staff_bp` holds the invitation link with which invited provider staff join; inviting them,
asking for a self-assessment and the documents given with one are pages of the provider's
(qa_app/pages/provider_staff.py)."""

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/provider")
staff_bp = Blueprint("provider_staff", __name__)

# The modules that add routes to bp are imported below, one line each.
from qa_app.portal import (  # noqa: E402,F401
    home,
    mark_upload_pages,
    placement_pages,
    register_pages,
    self_assessment_pages,
    staff,
)
