"""The list of schools, and adding and changing them (administrators only)."""

from flask import flash, redirect, render_template, url_for
from flask_login import login_required

from qa_app.auth.models import SCHOOL_PHASES, School
from qa_app.auth.permissions import authorize
from qa_app.domain import Invalid
from qa_app.extensions import db
from qa_app.forms import show_errors
from qa_app.schools import bp
from qa_app.schools.forms import SchoolForm
from qa_app.schools.services import officer_choices, save_school, schools_with_staff


@bp.route("")
@login_required
def index():
    """Every school with its URN, borough, phase and number of staff users."""
    authorize("schools.manage")
    return render_template("schools/index.html", schools=schools_with_staff(), phases=SCHOOL_PHASES)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Add a school."""
    authorize("schools.manage")
    return _edit(School(), SchoolForm())


@bp.route("/<int:school_id>", methods=["GET", "POST"])
@login_required
def edit(school_id):
    """Change a school's name, URN, borough or phase."""
    authorize("schools.manage")
    school = db.get_or_404(School, school_id)
    return _edit(school, SchoolForm(obj=school))


def _edit(school, form):
    """Validate, save and go back to the list; the form again with its errors otherwise."""
    form.officer_id.choices = officer_choices()
    if form.validate_on_submit():
        try:
            save_school(school, form.data)
        except Invalid as problem:
            db.session.rollback()
            show_errors(form, problem.fields)
        else:
            db.session.commit()
            flash(f"{school.name} saved.")
            return redirect(url_for("schools.index"))
    status = 400 if form.errors else 200
    return render_template("schools/edit.html", form=form, school=school if school.id else None), status
