"""The one-time link with which a person invited as provider staff sets their password and
joins. Inviting them (the provider's officer, or an administrator) is a page of the provider's,
in qa_app/pages/provider_staff.py."""

from flask import abort, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_user

from qa_app.domain import Invalid, Locked, NotFound
from qa_app.extensions import db
from qa_app.forms import show_errors
from qa_app.portal import staff_bp as bp
from qa_app.portal.forms import AcceptInvitationForm
from qa_app.portal.invitations import accept, open_invitation


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    """Set a password with a one-time invitation link, and sign in."""
    if current_user.is_authenticated:
        abort(403)
    try:
        invitation = open_invitation(token)
    except NotFound:
        abort(404)
    except Locked as error:
        return render_template("portal/invitation_closed.html", message=error.message), 410
    form = AcceptInvitationForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = accept(token, form.password.data, form.confirm.data)
            db.session.commit()
        except Invalid as error:
            db.session.rollback()
            show_errors(form, error.fields)
            status = 400
        except Locked as error:
            db.session.rollback()
            return render_template("portal/invitation_closed.html", message=error.message), 410
        else:
            session.clear()
            session.permanent = True
            login_user(user)
            flash(f"Welcome, {user.name}. You are signed in as staff of {invitation.provider.name}.")
            return redirect(url_for("portal.home"))
    elif form.is_submitted():
        status = 400
    return render_template("portal/accept.html", invitation=invitation, form=form), status
