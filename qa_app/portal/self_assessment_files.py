"""A document a provider gave with its self-assessment, for those who may read it: the
provider's own staff, and the officers and Head of Access who review the provider."""

from flask import abort
from flask_login import current_user, login_required

from qa_app.documents.files import as_download
from qa_app.extensions import db
from qa_app.portal import staff_bp
from qa_app.providers.models import Provider
from qa_app.providers.scopes import may_see_documents
from qa_app.selfassessment.models import SelfAssessmentFile

# Roles that never read a provider's self-assessment.
OUTSIDERS = ("school", "admin")


@staff_bp.route("/providers/<int:provider_id>/self-assessment-files/<int:file_id>")
@login_required
def self_assessment_file(provider_id, file_id):
    """The document, as the type its bytes showed it to be, to download."""
    if current_user.role in OUTSIDERS:
        abort(403)
    provider = db.session.get(Provider, provider_id)
    stored = db.session.get(SelfAssessmentFile, file_id)
    if (
        provider is None
        or stored is None
        or stored.self_assessment.provider_id != provider.id
        or not may_see_documents(current_user, provider)
    ):
        abort(404)
    return as_download(stored.data, stored.content_type, stored.filename)
