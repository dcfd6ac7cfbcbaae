"""Registration rule versions (administrators): view, copy into a draft, edit, publish."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from qa_app.auth.permissions import authorize
from qa_app.dates import long_date
from qa_app.extensions import db
from qa_app.forms import NOT_SAVED, carry_version, changed_since_read, committed, content_version
from qa_app.registration import bp, services
from qa_app.registration.forms import CopyRulesForm, PublishRulesForm, RulesForm
from qa_app.registration.models import RegistrationRules
from qa_app.row_locks import lock_row

# What the rules form changes: a change to either since the form was opened refuses it.
VERSIONED = ("title", "rules")


def _page(version, status=200, **forms):
    """The version's page with its forms (filled from the version unless given)."""
    forms.setdefault("rules_form", RulesForm.from_version(version))
    carry_version(forms["rules_form"], content_version(version, VERSIONED))
    forms.setdefault("publish_form", PublishRulesForm(formdata=None))
    forms.setdefault("copy_form", CopyRulesForm(formdata=None))
    return render_template(
        "registration/rules_show.html", version=version, current=services.rules_in_force(), **forms
    ), status


@bp.route("/admin/registration-rules")
@login_required
def rules_index():
    """Every version of the registration rules, and which is in force today."""
    authorize("rules.manage")
    versions = db.session.scalars(select(RegistrationRules).order_by(RegistrationRules.id.desc())).all()
    return render_template(
        "registration/rules_index.html", versions=versions, current=services.rules_in_force()
    )


@bp.route("/admin/registration-rules/<int:version_id>", methods=["GET", "POST"])
@login_required
def rules_show(version_id):
    """A version's thresholds; a draft's can be changed here."""
    authorize("rules.manage")
    version = db.get_or_404(RegistrationRules, version_id)
    if request.method == "GET":
        return _page(version)
    form = RulesForm()
    if form.validate_on_submit():
        lock_row(RegistrationRules, version.id)
        db.session.refresh(version)
        if changed_since_read(form, content_version(version, VERSIONED), version.title):
            return redirect(url_for("registration.rules_show", version_id=version.id))
        if (
            committed(
                form, lambda: services.update_rules(version, form.title.data.strip(), form.to_rules(version))
            )
            is not NOT_SAVED
        ):
            flash("Rules saved.")
            return redirect(url_for("registration.rules_show", version_id=version.id))
    return _page(version, 400, rules_form=form)


def _act(version_id, form_name, form_class, act, said):
    """A POST of one of a version's forms: `act(version, form)` writes through the service
    and returns the version to show next, which `said(version)` tells the user about; a
    refused form shows the page again with its errors."""
    authorize("rules.manage")
    version = db.get_or_404(RegistrationRules, version_id)
    form = form_class()
    if form.validate_on_submit():
        done = committed(form, lambda: act(version, form))
        if done is not NOT_SAVED:
            flash(said(done))
            return redirect(url_for("registration.rules_show", version_id=done.id))
    return _page(version, 400, **{form_name: form})


@bp.route("/admin/registration-rules/<int:version_id>/publish", methods=["POST"])
@login_required
def rules_publish(version_id):
    """Publish a draft to come into force on the date the law is commenced."""
    return _act(
        version_id,
        "publish_form",
        PublishRulesForm,
        lambda version, form: services.publish_rules(version, form.in_force_from.data),
        lambda version: f"{version.title} is published and in force from {long_date(version.in_force_from)}.",
    )


@bp.route("/admin/registration-rules/<int:version_id>/copy", methods=["POST"])
@login_required
def rules_copy(version_id):
    """Copy a version into a new draft whose thresholds can be edited."""
    return _act(
        version_id,
        "copy_form",
        CopyRulesForm,
        lambda version, form: services.copy_rules(version, form.name.data),
        lambda draft: f"Draft {draft.name} created.",
    )
