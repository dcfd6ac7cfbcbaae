"""The Head of Access's sign-off deputies: officers who may sign off visits besides her."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from qa_app.auth import bp
from qa_app.auth.forms import DeputiesForm
from qa_app.auth.permissions import authorize
from qa_app.auth.services import active_officers, set_deputies
from qa_app.extensions import db


@bp.route("/sign-off/deputies", methods=["GET", "POST"])
@login_required
def deputies():
    """The Head of Access names the officers who may sign off visits besides her."""
    authorize("deputies.manage")
    officers = active_officers()
    form = DeputiesForm()
    form.deputies.choices = [(o.id, o.name) for o in officers]
    if form.validate_on_submit():
        named = set_deputies(officers, form.deputies.data)
        db.session.commit()
        flash(f"Sign-off deputies: {', '.join(o.name for o in named) or 'none'}.")
        return redirect(url_for("auth.deputies"))
    if request.method == "GET":
        form.deputies.data = [o.id for o in officers if o.sign_off_deputy]
    return render_template("auth/deputies.html", form=form), 400 if form.errors else 200
