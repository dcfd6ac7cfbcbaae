"""The drafts shared with a provider: the list, reading the DRAFT and commenting on matters of
fact (or saying there are none), and the DRAFT PDF itself. The queries and rules are in drafts;
the list is the page provider staff see at /provider/drafts too."""

import io
from datetime import date

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from qa_app.domain import Invalid
from qa_app.drafts import services
from qa_app.drafts.forms import CommentForm, NoCommentsForm
from qa_app.drafts.list_page import drafts_page, shared_draft
from qa_app.drafts.services import REFUSED
from qa_app.extensions import db
from qa_app.forms import show_errors
from qa_app.pages import bp
from qa_app.providers.scopes import is_staff_of
from qa_app.reports.services import report_filename, report_pdf


@bp.route("/providers/<int:provider_id>/drafts")
@login_required
def provider_drafts(provider_id):
    """The drafts shared with the provider."""
    return drafts_page(provider_id)


@bp.route("/providers/<int:provider_id>/drafts/<int:share_id>", methods=["GET", "POST"])
@login_required
def provider_draft(provider_id, share_id):
    """The provider reads the draft and comments on matters of fact, criterion by criterion."""
    provider, share = shared_draft(provider_id, share_id)
    visit = share.visit
    criteria = visit.framework_version.active_criteria()
    form = CommentForm()
    form.criterion.choices = [("", "Choose a criterion")] + [
        (c.code, f"{c.code}: {c.text}") for c in criteria
    ]
    if request.method == "POST":
        if not is_staff_of(current_user, provider):
            abort(403)
        if form.validate_on_submit():
            try:
                services.add_comment(current_user, share, form.criterion.data, form.text.data)
            except Invalid as problem:
                db.session.rollback()
                show_errors(form, problem.fields)
            except REFUSED as problem:
                db.session.rollback()
                flash(str(problem), "error")
                return redirect(request.url)
            else:
                db.session.commit()
                flash("Comment sent. The officer answers each comment before the report is signed off.")
                return redirect(request.url)
    page = render_template(
        "drafts/provider.html",
        provider=provider,
        share=share,
        visit=visit,
        form=form,
        no_comments=NoCommentsForm(),
        may_comment=is_staff_of(current_user, provider) and share.is_open(date.today()),
        criteria={c.code: c for c in criteria},
    )
    return page, 400 if form.errors else 200


@bp.route("/providers/<int:provider_id>/drafts/<int:share_id>/no-comments", methods=["POST"])
@login_required
def provider_draft_no_comments(provider_id, share_id):
    """The provider has no (more) comments: the window closes."""
    provider, share = shared_draft(provider_id, share_id)
    if not is_staff_of(current_user, provider):
        abort(403)
    if not NoCommentsForm().validate_on_submit():
        abort(400)
    try:
        services.confirm_no_comments(current_user, share)
    except REFUSED as problem:
        db.session.rollback()
        flash(str(problem), "error")
    else:
        db.session.commit()
        flash("Thank you: the officer is told you have no more comments.")
    return redirect(url_for("pages.provider_draft", provider_id=provider.id, share_id=share.id))


@bp.route("/providers/<int:provider_id>/drafts/<int:share_id>/report.pdf")
@login_required
def provider_draft_report(provider_id, share_id):
    """The provider edition of the shared visit's report (marked DRAFT until signed off)."""
    _, share = shared_draft(provider_id, share_id)
    report_, data = report_pdf(share.visit, "provider")
    response = send_file(
        io.BytesIO(data),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=report_filename(report_),
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
