"""Read-only queries behind the provider pages."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from qa_app.extensions import db
from qa_app.visits.models import Visit


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
