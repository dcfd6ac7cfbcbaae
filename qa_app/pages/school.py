"""A school's page (docs/domain.md §2.7): its details and link officer, its visits, a summary
of its placements by provider with each provider's QA status, and its open actions, each
read by placements/school_summary.py."""

from datetime import date

from flask import abort, render_template
from flask_login import current_user, login_required

from qa_app.audit.reads import audited
from qa_app.auth.models import SCHOOL_PHASES
from qa_app.auth.permissions import authorize, may_see_school
from qa_app.pages import bp
from qa_app.placements.placing import NOT_KNOWN_REGISTERED
from qa_app.placements.school_summary import (
    open_school_actions,
    own_open_visit,
    placement_summary,
    providers_used,
    school_visits,
    school_with_officer,
)
from qa_app.providers.models import REGISTRATION_STATUSES
from qa_app.visits.scopes import can_see_visit, may_read_report, may_visit_school


@bp.route("/schools/<int:school_id>")
@login_required
@audited("view", "school", "school_id")
def school_page(school_id):
    """A school's details, visits, placements by provider and open actions."""
    authorize("school.view")
    school = school_with_officer(school_id)
    if not may_see_school(current_user, school):
        abort(404)
    today = date.today()
    own_staff = current_user.role == "school"
    visits = school_visits(school, include_unsigned=not own_staff)
    may_visit = may_visit_school(current_user, school)
    return render_template(
        "pages/school.html",
        school=school,
        phases=SCHOOL_PHASES,
        own_staff=own_staff,
        visits=visits,
        may_open={v.id for v in visits if not own_staff and can_see_visit(current_user, v)},
        may_read_report={v.id for v in visits if may_read_report(current_user, v)},
        may_visit=may_visit,
        open_visit=own_open_visit(current_user, visits) if may_visit else None,
        providers=providers_used(school, today),
        summary=placement_summary(school, today),
        actions=open_school_actions(school),
        registration_labels=REGISTRATION_STATUSES,
        not_known_registered=NOT_KNOWN_REGISTERED,
        today=today,
    )
