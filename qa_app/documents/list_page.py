"""The list of a provider's documents, one page at two URLs: the provider's own
(`/provider/documents`, documents.mine) and its reviewers' (`/providers/<id>/documents`,
pages.provider_documents)."""

from datetime import date

from flask import render_template
from flask_login import current_user

from qa_app.documents import services
from qa_app.providers.own_pages import provider_for_own_pages
from qa_app.providers.scopes import is_staff_of


def documents_page(provider_id):
    """The documents the provider must hold: what is held, until when, what waits."""
    provider = provider_for_own_pages(provider_id)
    return render_template(
        "documents/index.html",
        provider=provider,
        rows=services.documents_of_provider(provider),
        today=date.today(),
        may_upload=is_staff_of(current_user, provider),
        qa=provider.qa_status(),
    )
