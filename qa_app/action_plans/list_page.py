"""The list of a provider's actions, one page at two URLs: the provider's own
(`/provider/actions`, action_plans.mine) and its reviewers' (`/providers/<id>/actions`,
pages.provider_actions)."""

from datetime import date

from flask import render_template
from flask_login import current_user

from qa_app.action_plans import services
from qa_app.providers.own_pages import provider_for_own_pages
from qa_app.providers.scopes import is_staff_of
from qa_app.visits.models import ACTION_OWNERS


def actions_page(provider_id):
    """The provider's actions with their owners, due dates and answers."""
    provider = provider_for_own_pages(provider_id)
    return render_template(
        "action_plans/index.html",
        provider=provider,
        rows=services.actions_of(provider),
        owners=ACTION_OWNERS,
        today=date.today(),
        may_answer=is_staff_of(current_user, provider),
    )
