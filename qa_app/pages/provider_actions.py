"""A provider's actions: the list, one action with its answers, answering it (the provider),
verifying the answer (its officer), and the evidence files. The queries and rules are in
action_plans; the list is the page provider staff see at /provider/actions too."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from qa_app.action_plans import services
from qa_app.action_plans.forms import AnswerForm, VerifyForm
from qa_app.action_plans.list_page import actions_page
from qa_app.documents.files import ACCEPT, as_download, max_bytes, size_words
from qa_app.domain import Conflict, Forbidden, Invalid, Locked
from qa_app.extensions import db
from qa_app.forms import show_errors
from qa_app.pages import bp
from qa_app.providers.own_pages import provider_for_own_pages
from qa_app.providers.scopes import is_staff_of, reviews_for
from qa_app.visits.action_answers import ActionEvidence
from qa_app.visits.models import ACTION_OWNERS

ALREADY_VERIFIED = (
    "This answer was verified by someone else after you opened this page, so your "
    "verification was not saved. Their verification is shown below."
)


def _action(provider, action_id):
    return services.find_action(provider, action_id) or abort(404)


@bp.route("/providers/<int:provider_id>/actions")
@login_required
def provider_actions(provider_id):
    """The provider's actions with their owners, due dates and answers."""
    return actions_page(provider_id)


def _verify(form, latest, provider):
    """The officer's verification of the latest answer; a redirect once it is saved (or
    refused for a reason the page cannot show beside a field), else None (errors on the form)."""
    try:
        verification, reason = form.verification.data, form.reason.data
        services.verify_answer(current_user, latest, verification, reason, int(form.version.data or 0))
    except Invalid as problem:
        db.session.rollback()
        show_errors(form, problem.fields)
        return None
    except (Conflict, Locked, Forbidden) as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(request.url)
    db.session.commit()
    flash(f"Answer verified: {latest.verification_label.lower()}.")
    return redirect(url_for("pages.provider_actions", provider_id=provider.id))


@bp.route("/providers/<int:provider_id>/actions/<int:action_id>", methods=["GET", "POST"])
@login_required
def provider_action(provider_id, action_id):
    """One action with every answer; the officer verifies the latest here."""
    provider = provider_for_own_pages(provider_id)
    action = _action(provider, action_id)
    answers = services.answers_to(action)
    latest = answers[0] if answers else None
    may_verify = reviews_for(current_user, provider) and latest is not None and latest.verification is None
    form = VerifyForm(version=latest.version if latest else 0)
    if request.method == "POST":
        if not may_verify and latest is not None and reviews_for(current_user, provider):
            flash(ALREADY_VERIFIED, "error")
            return redirect(request.url)
        if not may_verify:
            abort(403)
        if form.validate_on_submit():
            done = _verify(form, latest, provider)
            if done is not None:
                return done
    may_answer = (
        is_staff_of(current_user, provider) and action.status == "open" and action.owner == "provider"
    )
    page = render_template(
        "action_plans/show.html",
        provider=provider,
        action=action,
        answers=answers,
        owners=ACTION_OWNERS,
        form=form,
        may_verify=may_verify,
        may_answer=may_answer and (latest is None or latest.verification == "not_yet"),
    )
    return page, 400 if form.errors else 200


@bp.route("/providers/<int:provider_id>/actions/<int:action_id>/answer", methods=["GET", "POST"])
@login_required
def provider_action_answer(provider_id, action_id):
    """The provider answers an action: what was done, and evidence."""
    provider = provider_for_own_pages(provider_id)
    action = _action(provider, action_id)
    if not is_staff_of(current_user, provider):
        abort(403)
    form = AnswerForm()
    if form.validate_on_submit():
        files = [(f.filename, f.stream.read(max_bytes() + 1)) for f in request.files.getlist(form.files.name)]
        try:
            services.answer_action(current_user, provider, action, form.text.data, files)
        except Invalid as problem:
            db.session.rollback()
            show_errors(form, problem.fields)
        except Locked as problem:
            db.session.rollback()
            flash(str(problem), "error")
            return redirect(url_for("pages.provider_action", provider_id=provider.id, action_id=action.id))
        else:
            db.session.commit()
            flash("Answer sent. Your officer will check it.")
            return redirect(url_for("pages.provider_actions", provider_id=provider.id))
    page = render_template(
        "action_plans/answer.html",
        provider=provider,
        action=action,
        owners=ACTION_OWNERS,
        form=form,
        accept=ACCEPT,
        limit=size_words(max_bytes()),
    )
    return page, 400 if form.errors else 200


@bp.route("/providers/<int:provider_id>/actions/evidence/<int:evidence_id>")
@login_required
def provider_action_evidence(provider_id, evidence_id):
    """An evidence file, as the type its bytes showed it to be."""
    provider = provider_for_own_pages(provider_id)
    item = db.session.get(ActionEvidence, evidence_id)
    if item is None or item.answer.provider_id != provider.id:
        abort(404)
    return as_download(item.data, item.content_type, item.filename)
