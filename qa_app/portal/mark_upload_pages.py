"""Uploading a day's marks as a CSV file from the provider's own register system (docs/domain.md
§2.10): the template, the upload and its dry run (each row's problems, nothing imported), and
the import of a file that passed."""

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import NotFound

from qa_app.domain import Invalid
from qa_app.extensions import db
from qa_app.forms import show_errors
from qa_app.placements import import_file, mark_imports
from qa_app.placements.models import MARKS
from qa_app.portal import bp
from qa_app.portal.forms import ConfirmMarksForm, MarksUploadForm
from qa_app.portal.home import own_provider

SHOWN_PROBLEMS = 500


def _page(provider, form, status=200, checked=None):
    problems = checked.problems if checked else []
    return render_template(
        "portal/register_upload.html",
        provider=provider,
        form=form,
        checked=checked,
        problems=problems[:SHOWN_PROBLEMS],
        more=max(len(problems) - SHOWN_PROBLEMS, 0),
        rows_with_problems=len({p.row for p in problems}),
        headings=mark_imports.HEADINGS,
        mark_help=mark_imports.MARK_HELP,
        marks=MARKS,
    ), status


@bp.route("/register/upload/template.csv")
@login_required
def register_upload_template():
    """The CSV template of marks: the headings, UTF-8 with a BOM."""
    own_provider(current_user)
    return Response(
        mark_imports.template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="marks-template.csv"'},
    )


@bp.route("/register/upload", methods=["GET", "POST"])
@login_required
def register_upload():
    """Upload a file of marks: a dry run lists each row's problems and imports nothing."""
    provider = own_provider(current_user)
    form = MarksUploadForm()
    if not form.validate_on_submit():
        return _page(provider, form, 400 if form.is_submitted() else 200)
    upload = form.file.data
    try:
        text = import_file.decode(upload.read(import_file.MAX_BYTES + 1), upload.filename or "")
        checked = mark_imports.check(current_user, text)
    except Invalid as problem:
        db.session.rollback()
        show_errors(form, problem.fields)
        return _page(provider, form, 400)
    if checked.rows == 0:
        show_errors(form, {"file": "The file has headings but no rows of marks under them"})
        return _page(provider, form, 400)
    if not checked.ok:
        return _page(provider, MarksUploadForm(formdata=None), 400, checked)
    waiting = mark_imports.keep(current_user, upload.filename, text, checked.rows)
    db.session.commit()
    return redirect(url_for("portal.register_upload_confirm", token=waiting.token))


@bp.route("/register/upload/<token>", methods=["GET", "POST"])
@login_required
def register_upload_confirm(token):
    """A file of marks that passed its dry run: import every row in one transaction."""
    provider = own_provider(current_user)
    waiting = mark_imports.waiting_import(current_user, token)
    if waiting is None:
        raise NotFound()
    form = ConfirmMarksForm()
    if not form.validate_on_submit():
        checked = mark_imports.check(current_user, waiting.content)
        if not checked.ok:  # the placements changed since the dry run
            return _page(provider, MarksUploadForm(formdata=None), 400, checked)
        return render_template(
            "portal/register_upload_confirm.html",
            provider=provider,
            form=form,
            waiting=waiting,
            checked=checked,
        )
    filename, content = waiting.filename, waiting.content
    if not mark_imports.claim(waiting):
        return _already_imported()
    checked = mark_imports.import_marks(current_user, content)
    if not checked.ok:  # the placements changed since the dry run
        return _page(provider, MarksUploadForm(formdata=None), 400, checked)
    try:
        db.session.commit()
    except (IntegrityError, OperationalError):  # the same file, confirmed twice at once
        return _already_imported()
    flash(f"{checked.marks} marks imported from {filename}.")
    return redirect(url_for("portal.register_upload"))


def _already_imported():
    db.session.rollback()
    flash("This file was already imported (the button was pressed twice): nothing was imported twice.")
    return redirect(url_for("portal.register_upload"))
