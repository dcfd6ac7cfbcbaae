"""The provider behind the pages its own staff and its reviewers share (its documents and
its actions), fetched for the signed-in user."""

from flask import abort
from flask_login import current_user

from qa_app.extensions import db
from qa_app.providers.models import Provider
from qa_app.providers.scopes import may_see_documents

# Roles that never see a provider's documents or actions, whichever the provider.
OUTSIDERS = ("school", "admin")


def provider_for_own_pages(provider_id):
    """The provider, when the signed-in user is its staff or reviews for it; 403 for roles
    that never may, 404 for a provider that does not exist or is not theirs."""
    if current_user.role in OUTSIDERS:
        abort(403)
    provider = db.session.get(Provider, provider_id)
    if provider is None or not may_see_documents(current_user, provider):
        abort(404)
    return provider
