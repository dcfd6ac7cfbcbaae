"""The draft report: the officer's page (share it, answer the comments), and the drafts shared
with provider staff's own provider. The provider's pages at its own URL (the drafts shared with
it, reading the DRAFT, commenting or saying there are none, and the DRAFT PDF) are pages of
qa_app/pages/provider_drafts.py."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from qa_app.dates import long_date
from qa_app.domain import Invalid
from qa_app.drafts import bp, services
from qa_app.drafts.forms import AnswerCommentForm
from qa_app.drafts.list_page import drafts_page
from qa_app.drafts.services import REFUSED
from qa_app.extensions import db
from qa_app.forms import VersionedForm, show_errors
from qa_app.framework.rating import RATINGS
from qa_app.providers.scopes import own_provider_id
from qa_app.visits.accuracy import AccuracyComment, may_correct, share_of, sign_off_blocker
from qa_app.visits.pages import load
from qa_app.visits.services import judged_of


def _officer_visit(visit_uuid):
    """A provider visit the current user may answer for (its officer, the Head of Access)."""
    visit = load(visit_uuid)
    if visit.provider_id is None or not may_correct(current_user, visit):
        abort(404)
    return visit


def _criteria(visit):
    return visit.framework_version.active_criteria()


@bp.route("/visits/<visit_uuid>/draft")
@login_required
def officer_page(visit_uuid):
    """The draft's state for the officer: share it, and the provider's comments to answer."""
    visit = _officer_visit(visit_uuid)
    share = share_of(visit)
    return render_template(
        "drafts/officer.html",
        visit=visit,
        share=share,
        today=date.today(),
        blocker=sign_off_blocker(visit, date.today()) if visit.status == "submitted" else None,
        days=services.window_days(),
        form=VersionedForm(version=visit.version),
        criteria={c.code: c for c in _criteria(visit)},
    )


@bp.route("/visits/<visit_uuid>/draft/share", methods=["POST"])
@login_required
def share(visit_uuid):
    """Share the draft provider edition with the provider."""
    visit = _officer_visit(visit_uuid)
    if not VersionedForm().validate_on_submit():
        abort(400)
    try:
        shared = services.share_draft(current_user, visit)
    except REFUSED as problem:
        db.session.rollback()
        flash(str(problem), "error")
    else:
        db.session.commit()
        flash(f"Draft shared. The provider may comment until the end of {long_date(shared.deadline)}.")
    return redirect(url_for("drafts.officer_page", visit_uuid=visit.uuid))


def _answer_comment(comment, form):
    """The officer's answer to a comment, as the form gives it (a changed judgement too)."""
    services.answer_comment(
        current_user,
        comment,
        form.outcome.data,
        form.response.data,
        int(form.version.data or 0),
        form.rating.data,
        form.evidence.data,
    )


@bp.route("/visits/<visit_uuid>/draft/comments/<int:comment_id>", methods=["GET", "POST"])
@login_required
def answer(visit_uuid, comment_id):
    """Answer one of the provider's comments."""
    visit = _officer_visit(visit_uuid)
    comment = db.session.get(AccuracyComment, comment_id)
    if comment is None or comment.share.visit_id != visit.id:
        abort(404)
    rating, evidence = judged_of(visit).get(comment.criterion_code, ("", ""))
    form = AnswerCommentForm(version=comment.version) if request.method == "GET" else AnswerCommentForm()
    if request.method == "GET":
        form.rating.data, form.evidence.data = rating, evidence
    form.rating.choices = [("", "Choose")] + list(RATINGS.items())
    if form.validate_on_submit():
        try:
            _answer_comment(comment, form)
        except Invalid as problem:
            db.session.rollback()
            show_errors(form, problem.fields)
        except REFUSED as problem:
            db.session.rollback()
            flash(str(problem), "error")
            return redirect(url_for("drafts.officer_page", visit_uuid=visit.uuid))
        else:
            db.session.commit()
            flash(f"Comment on {comment.criterion_code} {comment.outcome_label.lower()}.")
            return redirect(url_for("drafts.officer_page", visit_uuid=visit.uuid))
    page = render_template(
        "drafts/answer.html",
        visit=visit,
        comment=comment,
        criterion=next((c for c in _criteria(visit) if c.code == comment.criterion_code), None),
        judged=(rating, evidence),
        ratings=RATINGS,
        form=form,
    )
    return page, 400 if form.errors else 200


@bp.route("/provider/drafts")
@login_required
def mine():
    """The drafts shared with provider staff's own provider."""
    provider_id = own_provider_id(current_user)
    if provider_id is None:
        abort(403)
    return drafts_page(provider_id)
