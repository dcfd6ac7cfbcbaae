"""The home page of school staff: their school's placements, what is due on them, and the
way to the provider register. `/` sends school users here (auth.routes.home_page)."""

from datetime import date

from flask import abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from qa_app.audit.reads import audited
from qa_app.auth.permissions import can
from qa_app.extensions import db
from qa_app.pages import bp
from qa_app.placements.lists import ListFilters, overdue_counts, placement_page
from qa_app.placements.models import Placement
from qa_app.placements.overdue import OVERDUE, items_from_row
from qa_app.placements.scopes import placements_visible_to
from qa_app.statements import built_once, viewer


def open_placements(user):
    """How many open placements the user's school has (one query)."""
    return db.session.scalar(_open_placements(viewer(user)))


@built_once
def _open_placements(user):
    return select(func.count(Placement.id)).where(placements_visible_to(user), Placement.ended_on.is_(None))


@bp.route("/home")
@login_required
@audited("view", "placement_list")
def school_home():
    """A school user's home: open placements, the ones with something overdue, the register."""
    if current_user.role != "school" or not can(current_user, "placement.view"):
        abort(403)
    today = date.today()
    overdue_page = placement_page(current_user, ListFilters(due="any"), today)
    return render_template(
        "pages/school_home.html",
        school=current_user.school,
        open_count=open_placements(current_user),
        overdue_page=overdue_page,
        due={row.id: items_from_row(row) for row in overdue_page.items},
        # {kind: how many placements}, as the placement list has it.
        overdue=overdue_counts(current_user, ListFilters(), today),
        overdue_labels=OVERDUE,
    )
