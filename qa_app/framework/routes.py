"""View, copy, edit and publish framework versions (administrators only)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from qa_app.auth.permissions import authorize
from qa_app.domain import DomainError
from qa_app.extensions import db
from qa_app.forms import carry_version, changed_since_read, content_version, show_errors
from qa_app.framework import bp, services
from qa_app.framework.defaults import KINDS
from qa_app.framework.documents import documents_from_lines, documents_of
from qa_app.framework.forms import (
    ConfirmForm,
    CopyVersionForm,
    CriterionForm,
    DocumentsForm,
    MoveForm,
    RulesForm,
)
from qa_app.framework.models import Criterion, FrameworkVersion
from qa_app.row_locks import lock_row


@bp.before_request
@login_required
def require_admin():
    """Every page here is for administrators."""
    authorize("framework.manage")


# What the criterion form changes: a change to any of them since the page was opened refuses it.
CRITERION_FIELDS = ("text", "guidance", "critical")


def _criterion(version_id, criterion_id):
    criterion = db.get_or_404(Criterion, criterion_id)
    if criterion.framework_version_id != version_id:
        abort(404)
    return criterion


def _back_to(version, error=None):
    if error:
        flash(str(error), "error")
    return redirect(url_for("framework.show", version_id=version.id))


@bp.route("")
def index():
    """Every framework version, newest first, and which one is in force."""
    versions = db.session.scalars(select(FrameworkVersion).order_by(FrameworkVersion.id.desc())).all()
    current = [services.current_version(kind) for kind in KINDS]
    return render_template("framework/index.html", versions=versions, current=[v for v in current if v])


@bp.route("/<int:version_id>")
def show(version_id):
    """A version's criteria by theme and its rating rules."""
    version = db.get_or_404(FrameworkVersion, version_id)
    return render_template(
        "framework/show.html",
        version=version,
        copy_form=CopyVersionForm(),
        confirm=ConfirmForm(),
        current=services.current_version(version.kind),
    )


@bp.route("/<int:version_id>/copy", methods=["POST"])
def copy(version_id):
    """Copy a version into a new draft."""
    version = db.get_or_404(FrameworkVersion, version_id)
    form = CopyVersionForm()
    if form.validate_on_submit():
        try:
            draft = services.copy_version(version, form.name.data, form.title.data)
        except DomainError as error:
            show_errors(form, error.fields)
        else:
            db.session.commit()
            flash(f"Draft {draft.name} created. Edit it, then publish it.")
            return redirect(url_for("framework.show", version_id=draft.id))
    return render_template(
        "framework/show.html",
        version=version,
        copy_form=form,
        confirm=ConfirmForm(),
        current=services.current_version(version.kind),
    ), 400


@bp.route("/<int:version_id>/criteria/new", methods=["GET", "POST"])
def new_criterion(version_id):
    """Add a criterion to a draft version."""
    version = db.get_or_404(FrameworkVersion, version_id)
    form = CriterionForm(theme=request.args.get("theme")).for_version(version)
    if form.validate_on_submit():
        try:
            criterion = services.add_criterion(
                version, form.theme.data, form.text.data, form.guidance.data, form.critical.data
            )
        except DomainError as error:
            if version.is_published:
                return _back_to(version, error)
            show_errors(form, error.fields)  # no theme chosen: show it on the form
        else:
            db.session.commit()
            flash(f"{criterion.code} added.")
            return _back_to(version)
    return render_template("framework/criterion.html", form=form, version=version, criterion=None), (
        400 if form.errors else 200
    )


@bp.route("/<int:version_id>/criteria/<int:criterion_id>", methods=["GET", "POST"])
def edit_criterion(version_id, criterion_id):
    """Change a criterion's text, guidance and critical flag."""
    criterion = _criterion(version_id, criterion_id)
    form = CriterionForm(obj=criterion).for_version(criterion.version)
    carry_version(form, content_version(criterion, CRITERION_FIELDS))
    if form.validate_on_submit():
        lock_row(Criterion, criterion.id)
        db.session.refresh(criterion)
        if changed_since_read(form, content_version(criterion, CRITERION_FIELDS), criterion.code):
            return redirect(
                url_for("framework.edit_criterion", version_id=version_id, criterion_id=criterion.id)
            )
        try:
            services.update_criterion(criterion, form.text.data, form.guidance.data, form.critical.data)
        except DomainError as error:
            return _back_to(criterion.version, error)
        db.session.commit()
        flash(f"{criterion.code} saved.")
        return _back_to(criterion.version)
    return render_template(
        "framework/criterion.html", form=form, version=criterion.version, criterion=criterion
    ), 400 if form.errors else 200


@bp.route("/<int:version_id>/criteria/<int:criterion_id>/move", methods=["POST"])
def move_criterion(version_id, criterion_id):
    """Move a criterion up or down within its theme."""
    criterion = _criterion(version_id, criterion_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.move_criterion(criterion, int(form.direction.data))
    except DomainError as error:
        return _back_to(criterion.version, error)
    db.session.commit()
    return _back_to(criterion.version)


@bp.route("/<int:version_id>/criteria/<int:criterion_id>/retire", methods=["POST"])
def retire_criterion(version_id, criterion_id):
    """Retire a criterion from a draft, or bring a retired one back."""
    criterion = _criterion(version_id, criterion_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.set_retired(criterion, not criterion.retired)
    except DomainError as error:
        return _back_to(criterion.version, error)
    db.session.commit()
    flash(f"{criterion.code} {'retired' if criterion.retired else 'back in use'}.")
    return _back_to(criterion.version)


@bp.route("/<int:version_id>/rules", methods=["GET", "POST"])
def edit_rules(version_id):
    """Change the rating thresholds of a draft version."""
    version = db.get_or_404(FrameworkVersion, version_id)
    form = RulesForm() if request.method == "POST" else RulesForm.from_rules(version.rules)
    form.for_version(version)
    carry_version(form, content_version(version, ("rules",)))
    if form.validate_on_submit():
        lock_row(FrameworkVersion, version.id)
        db.session.refresh(version)
        if changed_since_read(form, content_version(version, ("rules",)), f"Framework {version.name}"):
            return redirect(url_for("framework.edit_rules", version_id=version.id))
        try:
            services.update_rules(version, form.to_rules())
        except DomainError as error:
            return _back_to(version, error)
        db.session.commit()
        flash("Rating rules saved.")
        return _back_to(version)
    return render_template("framework/rules.html", form=form, version=version), 400 if form.errors else 200


@bp.route("/<int:version_id>/documents", methods=["GET", "POST"])
def edit_documents(version_id):
    """Change the documents providers must hold under a draft version."""
    version = db.get_or_404(FrameworkVersion, version_id)
    if version.kind != "provider":
        abort(404)
    current = documents_of(version.rules)
    form = DocumentsForm() if request.method == "POST" else DocumentsForm.from_documents(current)
    carry_version(form, content_version(version, ("rules",)))
    if form.validate_on_submit():
        lock_row(FrameworkVersion, version.id)
        db.session.refresh(version)
        if changed_since_read(form, content_version(version, ("rules",)), f"Framework {version.name}"):
            return redirect(url_for("framework.edit_documents", version_id=version.id))
        current = documents_of(version.rules)
        documents, problem = documents_from_lines(current, form.mandatory.data, form.other.data)
        if problem:
            form.mandatory.errors.append(problem)
        else:
            try:
                services.update_documents(version, documents)
            except DomainError as error:
                return _back_to(version, error)
            db.session.commit()
            flash("Documents saved.")
            return _back_to(version)
    page = render_template("framework/documents.html", form=form, version=version)
    return page, 400 if form.errors else 200


@bp.route("/<int:version_id>/publish", methods=["POST"])
def publish(version_id):
    """Publish a draft: it comes into force and never changes again."""
    version = db.get_or_404(FrameworkVersion, version_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.publish(version)
    except DomainError as error:
        return _back_to(version, error)
    db.session.commit()
    flash(f"{version.name} is published and now in force for new visits.")
    return _back_to(version)
