"""A provider's documents: the list, uploading a version, one version with its review and
the file itself. The queries and rules are in documents; the list is the page provider staff
see at /provider/documents too."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from qa_app.documents import services
from qa_app.documents.files import ACCEPT, as_download, max_bytes, read_upload, size_words
from qa_app.documents.forms import ReviewForm, UploadForm
from qa_app.documents.list_page import documents_page
from qa_app.domain import Conflict, Forbidden, Invalid, Locked
from qa_app.extensions import db
from qa_app.forms import NOT_SAVED, committed, show_errors
from qa_app.pages import bp
from qa_app.providers.own_pages import provider_for_own_pages
from qa_app.providers.scopes import is_staff_of, reviews_for


def _document(provider, document_id):
    return services.find_document(provider, document_id) or abort(404)


@bp.route("/providers/<int:provider_id>/documents")
@login_required
def provider_documents(provider_id):
    """The documents the provider must hold: what is held, until when, what waits."""
    return documents_page(provider_id)


@bp.route("/providers/<int:provider_id>/documents/<code>/new", methods=["GET", "POST"])
@login_required
def provider_document_upload(provider_id, code):
    """Upload a new version of one document, with its dates."""
    provider = provider_for_own_pages(provider_id)
    if not is_staff_of(current_user, provider):
        abort(403)
    required = {d["code"]: d for d in services.required_documents()}
    if code not in required:
        abort(404)
    form = UploadForm()
    if form.validate_on_submit():
        storage = request.files.get(form.file.name)
        saved = committed(
            form,
            lambda: services.upload_document(
                current_user,
                provider,
                code,
                read_upload(storage),
                storage.filename if storage else "",
                form.issue_date.data,
                form.expiry_date.data,
            ),
        )
        if saved is not NOT_SAVED:
            flash(f"{required[code]['name']} uploaded. Your officer will check it and approve it.")
            return redirect(url_for("pages.provider_documents", provider_id=provider.id))
    page = render_template(
        "documents/upload.html",
        provider=provider,
        document=required[code],
        form=form,
        accept=ACCEPT,
        limit=size_words(max_bytes()),
    )
    return page, 400 if form.errors else 200


@bp.route("/providers/<int:provider_id>/documents/version/<int:document_id>", methods=["GET", "POST"])
@login_required
def provider_document(provider_id, document_id):
    """One uploaded version; its officer approves or rejects it here."""
    provider = provider_for_own_pages(provider_id)
    document = _document(provider, document_id)
    may_review = reviews_for(current_user, provider) and document.status == "pending"
    form = ReviewForm(version=document.version)
    if request.method == "POST":
        if not may_review:
            abort(403)
        if form.validate_on_submit():
            try:
                services.review_document(
                    current_user, document, form.decision.data, form.reason.data, int(form.version.data or 0)
                )
            except Invalid as problem:
                db.session.rollback()
                show_errors(form, problem.fields)
            except (Conflict, Locked, Forbidden) as problem:
                db.session.rollback()
                flash(str(problem), "error")
                return redirect(request.url)
            else:
                db.session.commit()
                flash(f"{document.name} {document.status_label.lower()}.")
                return redirect(url_for("pages.provider_documents", provider_id=provider.id))
    page = render_template(
        "documents/show.html", provider=provider, document=document, form=form, may_review=may_review
    )
    return page, 400 if form.errors else 200


@bp.route("/providers/<int:provider_id>/documents/version/<int:document_id>/file")
@login_required
def provider_document_file(provider_id, document_id):
    """The uploaded file, as the type its bytes showed it to be."""
    provider = provider_for_own_pages(provider_id)
    document = _document(provider, document_id)
    return as_download(document.data, document.content_type, document.filename)
