"""Add, change and disable users, and see the addresses email could not reach (administrators only)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from qa_app.admin import bp
from qa_app.admin.forms import UserForm
from qa_app.auth.models import User
from qa_app.auth.permissions import authorize
from qa_app.auth.services import apply_user_changes, create_user, schools_by_name
from qa_app.domain import Invalid
from qa_app.extensions import db
from qa_app.forms import NOT_SAVED, carry_version, changed_since_read, committed, content_version
from qa_app.notifications.undeliverable import undeliverable
from qa_app.row_locks import lock_row

# What the user's form changes: a change to any of them since the form was opened refuses it
# (a sign-in does not).
VERSIONED = ("email", "name", "role", "school_id", "active", "password_hash")


def _refuse_own_lockout(user, form):
    """An administrator may not disable their own account or drop their own admin role,
    so the service always keeps someone who can manage users."""
    if user.id != current_user.id:
        return
    if not form.active.data:
        raise Invalid({"active": "You cannot disable your own account"})
    if form.role.data != "admin":
        raise Invalid({"role": "You cannot remove your own administrator role"})


@bp.route("/users")
@login_required
def users():
    """Every user with their role and whether they can sign in."""
    authorize("users.manage")
    rows = db.session.scalars(
        select(User).options(joinedload(User.school)).order_by(User.active.desc(), User.name)
    ).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def new_user():
    """Add a user."""
    authorize("users.manage")
    form = UserForm()
    form.set_schools(schools_by_name())
    if form.validate_on_submit():
        user = committed(
            form,
            lambda: create_user(
                form.email.data,
                form.name.data,
                form.role.data,
                form.password.data,
                school_id=form.school.data,
                active=form.active.data,
            ),
        )
        if user is not NOT_SAVED:
            flash(f"{user.name} can now sign in as {user.role_label}.")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), 400 if form.errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit_user(user_id):
    """Change a user's details or role, reset their password, or disable them."""
    authorize("users.manage")
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    form.set_schools(schools_by_name())
    if not form.is_submitted():
        form.school.data = user.school_id
    carry_version(form, content_version(user, VERSIONED))
    if form.validate_on_submit():
        lock_row(User, user.id)
        db.session.refresh(user)
        if changed_since_read(form, content_version(user, VERSIONED), f"{user.name}'s account"):
            return redirect(url_for("admin.edit_user", user_id=user.id))

        def change():
            _refuse_own_lockout(user, form)
            apply_user_changes(
                user,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                school_id=form.school.data,
                active=form.active.data,
                password=form.password.data,
            )

        if committed(form, change) is not NOT_SAVED:
            flash(f"{user.name} saved.")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user), 400 if form.errors else 200


@bp.route("/undeliverable-emails")
@login_required
def undeliverable_emails():
    """The addresses the mail server refused for good, newest first, so that an administrator
    can correct a user's address (the other recipients of each email had theirs)."""
    authorize("users.manage")
    rows, total = undeliverable()
    return render_template("admin/undeliverable.html", rows=rows, total=total)
