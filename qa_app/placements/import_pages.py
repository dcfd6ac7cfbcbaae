"""The CSV import pages: the template, the upload and its dry run, and the import itself.

A school's staff import for their own school; the authority's staff choose the school.
"""

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSelect, GovSubmitInput
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import NotFound
from wtforms import SelectField, SubmitField
from wtforms.validators import InputRequired

from qa_app.auth.models import School
from qa_app.auth.permissions import authorize
from qa_app.domain import Invalid
from qa_app.extensions import db
from qa_app.forms import show_errors
from qa_app.placements import bp, import_file, imports
from qa_app.placements.scopes import schools_placeable_by

MAX_MB = import_file.MAX_BYTES // (1024 * 1024)
SHOWN_PROBLEMS = 500


class ImportForm(FlaskForm):
    """Upload a CSV file of placements (officers also choose the school)."""

    school_id = SelectField(
        "School", widget=GovSelect(), coerce=int, validators=[InputRequired("Choose the school")]
    )
    file = FileField(
        "CSV file of placements",
        widget=GovFileInput(),
        description=f"Made from the template, saved as CSV, smaller than {MAX_MB} MB",
        validators=[
            FileRequired("Choose a CSV file made from the template"),
            FileSize(import_file.MAX_BYTES, message=f"The file must be smaller than {MAX_MB} MB"),
        ],
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())

    @classmethod
    def for_user(cls, user):
        """The form with the schools this user may import for; none to choose for a school's staff."""
        form = cls()
        if user.role == "school":
            del form.school_id
        else:
            schools = db.session.scalars(
                select(School).where(schools_placeable_by(user)).order_by(School.name)
            )
            form.school_id.choices = [(0, "Choose a school")] + [(s.id, s.name) for s in schools]
        return form


class ConfirmImportForm(FlaskForm):
    """Import a file that passed its dry run."""

    submit = SubmitField("Import the placements", widget=GovSubmitInput())


def _school_id(form):
    """The school the file is for: a school user's own, or the one an officer chose."""
    if current_user.role == "school":
        return current_user.school_id
    return form.school_id.data or None


def _page(form, status=200, checked=None):
    """The upload page, with the rows' problems after a dry run that found some."""
    problems = checked.problems if checked else []
    return render_template(
        "placements/import.html",
        form=form,
        columns=import_file.COLUMNS,
        checked=checked,
        problems=problems[:SHOWN_PROBLEMS],
        more=max(len(problems) - SHOWN_PROBLEMS, 0),
        rows_with_problems=len({p.row for p in problems}),
    ), status


@bp.route("/placements/import/template.csv")
@login_required
def import_template():
    """The CSV template: UTF-8 with a BOM, one heading per field, with its codes."""
    authorize("placement.record")
    return Response(
        import_file.template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="placements-template.csv"'},
    )


@bp.route("/placements/import", methods=["GET", "POST"])
@login_required
def import_upload():
    """Upload a file: a dry run shows each row's problems and imports nothing."""
    authorize("placement.record")
    form = ImportForm.for_user(current_user)
    if not form.validate_on_submit():
        return _page(form, 400 if form.is_submitted() else 200)
    school_id = _school_id(form)
    if school_id is None:
        show_errors(form, {"school_id": "Choose the school"})
        return _page(form, 400)
    upload = form.file.data
    try:
        text = import_file.decode(upload.read(import_file.MAX_BYTES + 1), upload.filename or "")
        checked = imports.check(current_user, school_id, text)
    except Invalid as problem:
        db.session.rollback()
        show_errors(form, problem.fields)
        return _page(form, 400)
    if checked.rows == 0:
        show_errors(form, {"file": "The file has headings but no rows of placements under them"})
        return _page(form, 400)
    if not checked.ok:
        return _page(ImportForm.for_user(current_user), 400, checked)
    waiting = imports.keep(current_user, school_id, upload.filename, text, checked.rows)
    db.session.commit()
    return redirect(url_for("placements.import_confirm", token=waiting.token))


def _already_imported():
    """The answer to a confirmation whose file another request is importing or imported."""
    db.session.rollback()
    flash("This file was already imported (the button was pressed twice): nothing was imported twice.")
    return redirect(url_for("placements.index"))


@bp.route("/placements/import/<token>", methods=["GET", "POST"])
@login_required
def import_confirm(token):
    """A file that passed its dry run: import every row in one transaction."""
    authorize("placement.record")
    waiting = imports.waiting_import(current_user, token)
    if waiting is None:
        raise NotFound()
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        return render_template("placements/import_confirm.html", form=form, waiting=waiting)
    school_id, filename, content = waiting.school_id, waiting.filename, waiting.content
    if not imports.claim(waiting):
        return _already_imported()
    checked = imports.import_rows(current_user, school_id, content)
    if not checked.ok:  # the register or the school's placements changed since the dry run
        return _page(ImportForm.for_user(current_user), 400, checked)
    try:
        db.session.commit()
    except (IntegrityError, OperationalError):  # the same file, confirmed twice at once
        db.session.rollback()
        return _already_imported()
    flash(f"{len(checked.saved)} placements imported from {filename}.")
    return redirect(url_for("placements.import_upload"))
