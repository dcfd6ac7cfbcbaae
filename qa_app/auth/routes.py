"""Sign in and sign out."""

from urllib.parse import urlsplit

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import bindparam, select

from qa_app.auth import bp
from qa_app.auth.forms import SignInForm
from qa_app.auth.identity import password_refusal, password_sign_in_allowed
from qa_app.auth.mfa.signin import ask_second_factor
from qa_app.auth.models import User
from qa_app.auth.permissions import can
from qa_app.auth.services import authenticate, sign_out
from qa_app.auth.throttle import failed, succeeded, take_attempt
from qa_app.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_token):
    """Find the user whose current session token the cookie carries."""
    return db.session.scalar(_SIGNED_IN, {"session_token": session_token})


# Built once: every signed-in request runs it.
_SIGNED_IN = select(User).where(User.session_token == bindparam("session_token"), User.active.is_(True))


@login_manager.unauthorized_handler
def unauthorized():
    """JSON 401 for the API (never a redirect); the sign-in page for everything else."""
    if request.path.startswith("/api/"):
        return jsonify(error="unauthorized", message="Sign in to continue."), 401
    flash("Sign in to see that page.", "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def safe_next(target):
    """The `next` target if it is a local path on this site, otherwise None."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if any(ord(character) < 32 or ord(character) == 127 for character in target):
        return None  # CR, LF and other control characters never belong in a Location header
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return None
    return target


def home_page(user):
    """Where a user lands after signing in: their visits for caseworkers, their school's
    placements for school staff, their provider's page for provider staff, else the register."""
    if can(user, "visit.view"):
        return url_for("visits.programme")
    if user.role == "school":
        return url_for("pages.school_home")
    if user.role == "provider":
        return url_for("portal.home")
    return url_for("providers.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(home_page(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        if not take_attempt(form.email.data):
            abort(429)
        user = authenticate(form.email.data, form.password.data)
        if user is not None and password_sign_in_allowed(user, current_app.config):
            succeeded(form.email.data)
            asked = ask_second_factor(user, safe_next(request.args.get("next")))
            if asked is not None:
                db.session.commit()
                return asked
            session.clear()
            session.permanent = True
            login_user(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or home_page(user))
        failed(form.email.data)
        form.email.errors.append(password_refusal(user, current_app.config))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out and end every copy of this session."""
    sign_out(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("auth.login"))
