"""The provider's own pages: what provider staff see of their provider and do
for it. Every page under /provider shows one provider, the signed-in user's own.
`staff_bp` holds inviting provider staff (the provider's officer or an administrator), the
documents given with a self-assessment, and
the invitation link itself."""

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/provider")
staff_bp = Blueprint("provider_staff", __name__)

# The modules that add routes to bp are imported below, one line each.
from qa_app.portal import (  # noqa: E402,F401
    home,
    mark_upload_pages,
    placement_pages,
    register_pages,
    self_assessment_files,
    self_assessment_pages,
    staff,
)
