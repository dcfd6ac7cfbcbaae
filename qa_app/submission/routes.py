"""The submit button at the end of check answers."""

from flask import abort, flash, redirect, url_for
from flask_login import login_required

from qa_app.forms import VersionedForm
from qa_app.submission import bp
from qa_app.submission.services import save
from qa_app.visits.pages import editable
from qa_app.visits.pages import save as save_page
from qa_app.visits.schemas import VisitChange


@bp.route("/visits/<visit_uuid>/submit", methods=["POST"])
@login_required
def submit(visit_uuid):
    """Submit the visit for sign-off; it is then locked."""
    visit = editable(visit_uuid)
    form = VersionedForm()
    if not form.validate_on_submit():
        abort(400)
    errors = save_page(visit, form, lambda: VisitChange(submit=True), saver=save)
    if errors:
        for message in errors.values():
            flash(message, "error")
        return redirect(url_for("visits.check", visit_uuid=visit.uuid))
    flash("Visit submitted. The Head of Access will review it and sign it off.")
    return redirect(url_for("visits.show", visit_uuid=visit.uuid))
