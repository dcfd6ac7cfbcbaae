"""Provider staff answer their self-assessment: a page per theme (their own judgement, their
evidence and documents per criterion), saved as they go, then sent to the officer."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from qa_app.domain import Conflict, Invalid, Locked, NotFound, TooLarge, Unsupported
from qa_app.extensions import db
from qa_app.forms import show_errors
from qa_app.framework.defaults import STANDARD_AREAS
from qa_app.portal import bp
from qa_app.portal.forms import SendSelfAssessmentForm, self_assessment_form
from qa_app.portal.home import own_provider
from qa_app.selfassessment.services import (
    add_file,
    answers_by_code,
    files_of,
    find_for_staff,
    save_answers,
    self_assessments_of,
)


def _assessment(assessment_id):
    try:
        return find_for_staff(current_user, assessment_id)
    except NotFound:
        abort(404)


def _version(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.route("/self-assessments")
@login_required
def self_assessments():
    """The provider's self-assessments, the one to answer first."""
    provider = own_provider(current_user)
    return render_template(
        "portal/self_assessments.html",
        provider=provider,
        assessments=self_assessments_of(current_user),
        today=date.today(),
    )


@bp.route("/self-assessments/<int:assessment_id>", methods=["GET", "POST"])
@login_required
def self_assessment(assessment_id):
    """A self-assessment's themes with how many criteria are answered; sending it."""
    provider = own_provider(current_user)
    assessment = _assessment(assessment_id)
    form = SendSelfAssessmentForm()
    if not form.is_submitted():
        form.version.data = assessment.version
    status = 200
    if form.validate_on_submit():
        answers = {a.criterion_code: (a.rating or "", a.evidence) for a in assessment.answers}
        try:
            save_answers(current_user, assessment, answers, _version(form.version.data), send=True)
            db.session.commit()
            flash("Self-assessment sent. Your QA officer will see it beside each criterion at the visit.")
            return redirect(url_for("portal.self_assessment", assessment_id=assessment.id))
        except Invalid as error:
            db.session.rollback()
            assessment = _assessment(assessment_id)
            missing = error.fields
            status = 400
            return _overview(provider, assessment, form, missing), status
        except (Conflict, Locked) as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("portal.self_assessment", assessment_id=assessment.id))
    return _overview(provider, assessment, form, {}), status


def _overview(provider, assessment, form, missing):
    criteria = assessment.framework_version.criteria_by_theme()
    answers = answers_by_code(assessment)
    areas = {}
    for theme_criteria in criteria.values():
        for c in theme_criteria:
            if c.standard_area:
                areas.setdefault(c.standard_area, []).append(answers.get(c.code))
    return render_template(
        "portal/self_assessment.html",
        provider=provider,
        assessment=assessment,
        themes=assessment.framework_version.themes,
        criteria=criteria,
        answers=answers,
        form=form,
        missing=missing,
        areas=[(STANDARD_AREAS[code], areas.get(code, [])) for code in STANDARD_AREAS],
        today=date.today(),
    )


def _add_files(assessment, criteria):
    """The documents uploaded with the theme's criteria; a file refused is that field's error."""
    for c in criteria:
        upload = request.files.get(f"file_{c.code}")
        if upload and upload.filename:
            try:
                add_file(current_user, assessment, c.code, upload.filename, upload.read())
            except (Unsupported, TooLarge) as error:
                raise Invalid({f"file_{c.code}": f"{c.code}: {error.message}"}) from error


def _save_theme(form, assessment, answers, criteria, theme_name):
    """Save a theme's answers (every answer of the self-assessment, this theme's as typed)
    and its documents; a redirect, or None with the errors on the form."""
    typed = {code: (a.rating or "", a.evidence) for code, a in answers.items()}
    for c in criteria:
        typed[c.code] = (form[f"rating_{c.code}"].data or "", form[f"evidence_{c.code}"].data or "")
    back = url_for("portal.self_assessment", assessment_id=assessment.id)
    try:
        save_answers(current_user, assessment, typed, _version(form.version.data))
        _add_files(assessment, criteria)
        db.session.commit()
    except Invalid as error:
        db.session.rollback()
        show_errors(form, error.fields)
        return None
    except (Conflict, Locked) as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    flash(f"{theme_name} saved.")
    return redirect(back)


@bp.route("/self-assessments/<int:assessment_id>/themes/<theme>", methods=["GET", "POST"])
@login_required
def self_assessment_theme(assessment_id, theme):
    """Answer one theme's criteria: judgement, evidence and documents for each."""
    provider = own_provider(current_user)
    assessment = _assessment(assessment_id)
    themes = assessment.framework_version.themes
    if theme not in themes:
        abort(404)
    criteria = assessment.framework_version.criteria_by_theme()[theme]
    answers = answers_by_code(assessment)
    form = self_assessment_form(
        criteria,
        request.form if request.method == "POST" else None,
        version=assessment.version,
        **{f"rating_{c}": a.rating for c, a in answers.items()},
        **{f"evidence_{c}": a.evidence for c, a in answers.items()},
    )
    status = 200
    if form.is_submitted() and assessment.status == "submitted":
        flash("This self-assessment has been sent and can no longer be changed.", "error")
        return redirect(url_for("portal.self_assessment", assessment_id=assessment.id))
    if form.validate_on_submit():
        done = _save_theme(form, assessment, answers, criteria, themes[theme])
        if done is not None:
            return done
        status = 400
    elif form.is_submitted():
        status = 400
    return render_template(
        "portal/self_assessment_theme.html",
        provider=provider,
        assessment=assessment,
        theme=theme,
        theme_name=themes[theme],
        criteria=criteria,
        files=files_of(assessment),
        form=form,
    ), status
