"""An officer's list of documents waiting for approval, and provider staff's own documents.
A provider's documents at its own URL (the list, uploading a version, one version with its
review, the file itself) are pages of qa_app/pages/provider_documents.py."""

from flask import abort, render_template
from flask_login import current_user, login_required

from qa_app.documents import bp, services
from qa_app.documents.list_page import documents_page
from qa_app.providers.scopes import own_provider_id


@bp.route("/documents")
@login_required
def waiting():
    """Documents waiting for this officer's approval (every provider's for the Head of Access)."""
    if current_user.role not in ("officer", "head_of_access"):
        abort(403)
    return render_template("documents/waiting.html", documents=services.waiting_for(current_user))


@bp.route("/provider/documents")
@login_required
def mine():
    """Provider staff's own documents."""
    provider_id = own_provider_id(current_user)
    if provider_id is None:
        abort(403)
    return documents_page(provider_id)
