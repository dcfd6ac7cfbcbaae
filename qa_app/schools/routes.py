"""The list of schools, and adding and changing them (administrators only)."""

from flask import flash, redirect, render_template, url_for
from flask_login import login_required

from qa_app.auth.models import SCHOOL_PHASES, School
from qa_app.auth.permissions import authorize
from qa_app.auth.services import active_officers
from qa_app.extensions import db
from qa_app.forms import NOT_SAVED, carry_version, changed_since_read, committed, content_version
from qa_app.row_locks import lock_row
from qa_app.schools import bp
from qa_app.schools.forms import SchoolForm
from qa_app.schools.services import save_school, schools_with_staff

# What the school's form changes: a change to any of them since the form was opened refuses it.
VERSIONED = ("name", "urn", "borough", "phase", "officer_id")


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
    form = SchoolForm(obj=school)
    carry_version(form, content_version(school, VERSIONED))
    return _edit(school, form)


def _edit(school, form):
    """Validate, save and go back to the list; the form again with its errors otherwise."""
    form.officer_id.choices = [(None, "No link officer")] + [(u.id, u.name) for u in _officers(school)]
    if form.validate_on_submit():
        if school.id is not None:
            lock_row(School, school.id)
            db.session.refresh(school)
            if changed_since_read(form, content_version(school, VERSIONED), school.name):
                return redirect(url_for("schools.edit", school_id=school.id))
        if committed(form, lambda: save_school(school, form.data)) is not NOT_SAVED:
            flash(f"{school.name} saved.")
            return redirect(url_for("schools.index"))
    status = 400 if form.errors else 200
    return render_template("schools/edit.html", form=form, school=school if school.id else None), status


def _officers(school):
    """The officers the form offers: the active ones, and the school's own if no longer active."""
    officers = active_officers()
    if school.officer is not None and school.officer not in officers:
        officers.append(school.officer)
    return officers
