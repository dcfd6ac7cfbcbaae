"""Read-only queries behind the provider pages."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from qa_app.extensions import db
from qa_app.providers.models import Provider
from qa_app.visits.models import Action, Visit


def provider_page(provider_id):
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
        .where(Action.provider_id == provider.id, Action.status == "open", Visit.status == "signed_off")
        .order_by(Action.due.is_(None), Action.due, Action.id)
    ).all()
