"""How many pupils from how many schools are placed at a provider now, for the provider
page (docs/domain.md §2.6: the authority sees what no single school can).

The provider page belongs to visits, below placements in the layers, so it cannot call
this: the figure is a template function the page asks for, for officers and the Head of
Access only (never school users or the public)."""

from sqlalchemy import distinct, func, select

from qa_app.extensions import db
from qa_app.placements import bp
from qa_app.placements.models import Placement


@bp.app_template_global()
def pupils_placed_at(provider_id):
    """(pupils, schools) with an open placement at the provider (one query)."""
    pupils, schools = db.session.execute(
        select(func.count(Placement.id), func.count(distinct(Placement.school_id))).where(
            Placement.provider_id == provider_id, Placement.ended_on.is_(None)
        )
    ).one()
    return pupils, schools
