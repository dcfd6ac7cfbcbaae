"""Provider staff's own actions. A provider's actions at its own URL (the list, one action
with its answers, answering it, verifying the answer and the evidence files) are pages of
qa_app/pages/provider_actions.py."""

from flask import abort
from flask_login import current_user, login_required

from qa_app.action_plans import bp
from qa_app.action_plans.list_page import actions_page
from qa_app.providers.scopes import own_provider_id


@bp.route("/provider/actions")
@login_required
def mine():
    """Provider staff's own actions."""
    provider_id = own_provider_id(current_user)
    if provider_id is None:
        abort(403)
    return actions_page(provider_id)
