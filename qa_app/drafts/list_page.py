"""The drafts shared with a provider, one page at two URLs: the provider's own
(`/provider/drafts`, drafts.mine) and its reviewers' (`/providers/<id>/drafts`,
pages.provider_drafts); and one of those drafts, for the provider's pages of it."""

from datetime import date

from flask import abort, render_template
from flask_login import current_user

from qa_app.drafts import services
from qa_app.extensions import db
from qa_app.providers.models import Provider
from qa_app.providers.scopes import may_see_documents
from qa_app.visits.accuracy import DraftShare


def drafts_page(provider_id):
    """The drafts shared with the provider."""
    if current_user.role in ("school", "admin"):
        abort(403)
    provider = db.session.get(Provider, provider_id)
    if provider is None or not may_see_documents(current_user, provider):
        abort(404)
    return render_template(
        "drafts/index.html", provider=provider, shares=services.shares_of(provider), today=date.today()
    )


def shared_draft(provider_id, share_id):
    """(provider, share): a draft shared with this provider, when the user may see the
    provider's records; 403 for roles that never may, else 404."""
    if current_user.role in ("school", "admin"):
        abort(403)
    provider = db.session.get(Provider, provider_id)
    share = db.session.get(DraftShare, share_id)
    if provider is None or share is None or share.provider_id != provider.id:
        abort(404)
    if not may_see_documents(current_user, provider):
        abort(404)
    return provider, share
