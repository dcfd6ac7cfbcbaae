"""Starting a visit, from a provider's page or a school's: the page both share is
visits.starting.start_page, which keeps the rules (one open visit per officer and place; a
school visited by its link officer or the Head of Access)."""

from flask_login import login_required

from qa_app.auth.models import School
from qa_app.auth.permissions import authorize
from qa_app.extensions import db
from qa_app.pages import bp
from qa_app.providers.models import Provider
from qa_app.visits.starting import start_page


@bp.route("/providers/<int:provider_id>/visits/new", methods=["GET", "POST"])
@login_required
def start_provider_visit(provider_id):
    """Start a visit to a provider (visits.starting.start_page)."""
    authorize("visit.start")
    return start_page(db.get_or_404(Provider, provider_id), "provider")


@bp.route("/schools/<int:school_id>/visits/new", methods=["GET", "POST"])
@login_required
def start_school_visit(school_id):
    """Start a visit to a school (visits.starting.start_page)."""
    authorize("visit.start")
    return start_page(db.get_or_404(School, school_id), "school")
