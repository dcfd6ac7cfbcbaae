"""Check answers and the submit button at its end."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from qa_app.audit.reads import audited
from qa_app.photos.services import photos_of
from qa_app.registration.law import raises_escalation
from qa_app.submission import bp
from qa_app.submission.forms import SubmitForm
from qa_app.submission.services import save
from qa_app.visits.pages import editable
from qa_app.visits.pages import save as save_page
from qa_app.visits.progress import placements_checked
from qa_app.visits.schemas import VisitChange
from qa_app.visits.services import check_answers, previous_open_actions


def check_page(visit, form, status=200):
    """Check answers: the ratings and what blocks submitting, then everything the visit
    records (the registration check and whether it escalates, the actions, the photos, the
    earlier visits' actions), and the submit form that says what happens next."""
    result = (visit.registration_result or {}).get("result")
    return render_template(
        "visits/check.html",
        visit=visit,
        **check_answers(visit),
        placements_checked=placements_checked(visit) if visit.is_school_visit else None,
        escalates=visit.provider is not None
        and raises_escalation(result, visit.provider.registration_status),
        photos=photos_of(visit),
        previous=previous_open_actions(visit.provider_id, visit.id, school_id=visit.school_id),
        form=form,
    ), status


@bp.route("/visits/<visit_uuid>/check")
@login_required
@audited("view", "visit", "visit_uuid")
def check(visit_uuid):
    """Check answers before submitting."""
    visit = editable(visit_uuid)
    return check_page(visit, SubmitForm(version=visit.version))


@bp.route("/visits/<visit_uuid>/submit", methods=["POST"])
@login_required
def submit(visit_uuid):
    """Submit the visit for sign-off once the officer confirms it; it is then locked."""
    visit = editable(visit_uuid)
    form = SubmitForm()
    if not form.validate_on_submit():
        if set(form.errors) == {"confirmed"}:
            return check_page(visit, form, 400)
        abort(400)
    errors = save_page(visit, form, lambda: VisitChange(submit=True), saver=save)
    if errors:
        for message in errors.values():
            flash(message, "error")
        return redirect(url_for("submission.check", visit_uuid=visit.uuid))
    flash(
        "Visit submitted and locked. The Head of Access will sign it off or return it to you with a comment."
    )
    return redirect(url_for("visits.show", visit_uuid=visit.uuid))
