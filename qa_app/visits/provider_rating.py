"""The register's copy of a provider's rating, taken from its latest signed-off visit.

It lives with visits because it reads them; the provider only holds the copy, so that
the register filters and sorts in SQL.
"""

from datetime import date

from sqlalchemy import select

from qa_app.extensions import db
from qa_app.framework.rating import next_visit_due, qa_valid_until
from qa_app.visits.models import Visit


def refresh_rating(provider, today=None):
    """Copy the latest signed-off visit's rating onto the provider (the register reads it)."""
    visit = db.session.scalar(
        select(Visit)
        .where(Visit.provider_id == provider.id, Visit.status == "signed_off")
        .order_by(Visit.visit_date.desc(), Visit.signed_off_at.desc(), Visit.id.desc())
        .limit(1)
    )
    today = today or date.today()
    if visit is None or visit.overall_rag is None:
        provider.rated_visit_id = None
        provider.rating_rag = None
        provider.rating_visit_date = None
        provider.qa_valid_until = None
        provider.next_visit_due = None  # never visited: due now
    else:
        rules = visit.framework_version.rules
        provider.rated_visit_id = visit.id
        provider.rating_rag = visit.overall_rag
        provider.rating_visit_date = visit.visit_date
        provider.qa_valid_until = qa_valid_until(visit.overall_rag, visit.visit_date, rules)
        provider.next_visit_due = next_visit_due(visit.overall_rag, visit.visit_date, rules, today)
    db.session.flush()
    return provider
