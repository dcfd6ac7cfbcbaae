"""The provider page: the provider's details with its open actions, visit history and (for
staff) the history of changes to its details.

It shows visits and the provider's own records, so it sits above both.
"""

from datetime import date

from flask import abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from qa_app.auth.permissions import authorize, can, provider_staff_of
from qa_app.extensions import db
from qa_app.pages import bp
from qa_app.providers.models import CHANGE_LABELS, Provider
from qa_app.providers.scopes import may_invite, may_see_documents
from qa_app.providers.services import history
from qa_app.selfassessment.services import may_request
from qa_app.visits.models import Action, Visit
from qa_app.visits.scopes import can_see_visit, may_read_report
from qa_app.visits.standards import position_against_standards


def provider_with_details(provider_id):
    """The provider with its officer and services loaded, or a 404."""
    return db.first_or_404(
        select(Provider)
        .options(joinedload(Provider.officer), selectinload(Provider.services))
        .where(Provider.id == provider_id)
    )


def visit_history(provider, include_unsigned):
    """Every visit to the provider, newest first, with its officer (one query).

    Visits not yet signed off are internal: only staff see them.
    """
    query = (
        select(Visit)
        .options(joinedload(Visit.officer))
        .where(Visit.provider_id == provider.id)
        .order_by(Visit.visit_date.desc(), Visit.id.desc())
    )
    if not include_unsigned:
        query = query.where(Visit.status == "signed_off")
    return db.session.scalars(query).all()


def open_actions(provider):
    """The provider's open actions from signed-off visits, soonest due first (one query)."""
    return db.session.scalars(
        select(Action)
        .join(Visit, Action.visit_id == Visit.id)
        .where(Action.provider_id == provider.id, Action.open_from_signed_off())
        .order_by(Action.due.is_(None), Action.due, Action.id)
    ).all()


@bp.route("/providers/<int:provider_id>")
@login_required
def provider_page(provider_id):
    """A provider's details, QA status with its reason, and visit history. Provider staff
    see their own provider on their own pages (another provider is not there for them)."""
    if getattr(current_user, "role", None) == "provider":
        if not provider_staff_of(current_user, provider_id):
            abort(404)
        return redirect(url_for("portal.home"))
    authorize("register.view")
    provider = provider_with_details(provider_id)
    staff = can(current_user, "provider.view_internal")
    visits = visit_history(provider, include_unsigned=staff)
    return render_template(
        "pages/provider.html",
        provider=provider,
        visits=visits,
        may_open={v.id for v in visits if can_see_visit(current_user, v)},
        may_read_report={v.id for v in visits if may_read_report(current_user, v)},
        today=date.today(),
        actions=open_actions(provider),
        changes=history(provider) if staff else [],
        may_see_documents=may_see_documents(current_user, provider),
        may_invite_staff=may_invite(current_user, provider),
        may_ask_for_self_assessment=may_request(current_user, provider),
        change_labels=CHANGE_LABELS,
        standards=position_against_standards(provider),
    )
