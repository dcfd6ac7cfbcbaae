"""The second half of a password sign-in: a passkey, an authenticator app's code or a
recovery code; and, for a required role with none, where to set one up."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from qa_app.auth import bp
from qa_app.auth.mfa import passkeys, pending, recovery, totp
from qa_app.auth.mfa.forms import CodeForm, PasskeyForm, RecoveryCodeForm
from qa_app.auth.mfa.services import factors
from qa_app.auth.routes import home_page
from qa_app.auth.throttle import failed, succeeded, take_attempt
from qa_app.extensions import db


def party():
    """This service as the passkeys' relying party."""
    return passkeys.RelyingParty.from_config(current_app.config, request.host_url)


def _throttle_key(user):
    # Second-factor tries are counted like passwords (auth/throttle.py), under their own
    # name, so a guessed code slows down as a guessed password does.
    return f"second-factor:{user.email}"


def _start_again():
    """Signed in already: home; a sign-in waiting for a factor: its page; else the password."""
    if current_user.is_authenticated:
        return redirect(home_page(current_user))
    if pending.user(pending.SET_UP) is not None:
        return redirect(url_for("auth.set_up_second_factor"))
    if pending.user(pending.VERIFY) is not None:
        return redirect(url_for("auth.second_factor"))
    flash("Sign in again to continue.", "info")
    return redirect(url_for("auth.login"))


def _verifying():
    """The user waiting to give a second factor (None when signed in or not waiting)."""
    return None if current_user.is_authenticated else pending.user(pending.VERIFY)


def _page(user, code_form=None, passkey_error=None, status=200):
    """The page asking for a factor the user holds; a fresh passkey challenge is kept."""
    held = factors(user)
    options = None
    if held["passkeys"]:
        options, challenge = passkeys.authentication_options(user, party())
        pending.keep("sign_in", challenge=challenge)
    return render_template(
        "auth/mfa/second_factor.html",
        options=options,
        has_app=held["app"],
        passkey_form=PasskeyForm(),
        form=code_form,
        code_form=code_form or CodeForm(),
        passkey_error=passkey_error,
    ), status


def _signed_in(user, then=None, message=None):
    """Finish the sign-in and go where the user was going (or `then`, saying `message`)."""
    succeeded(_throttle_key(user))
    next_page = pending.finish(user)
    if message:
        flash(message, "info")  # after finish(), whose fresh session would drop it
    db.session.commit()
    return redirect(then or next_page or home_page(user))


def _wrong(user, retry):
    """Count a wrong answer; after too many the password must be given again."""
    failed(_throttle_key(user))
    if pending.failed():
        flash("Too many wrong answers. Sign in again.", "error")
        return redirect(url_for("auth.login"))
    return retry()


@bp.route("/login/second-factor")
def second_factor():
    """Ask for the second factor after the password."""
    user = _verifying()
    if user is None:
        return _start_again()
    return _page(user)


@bp.route("/login/second-factor/passkey", methods=["POST"])
def second_factor_passkey():
    """Check the passkey's signature of the challenge the page was given."""
    user = _verifying()
    if user is None:
        return _start_again()
    form = PasskeyForm()
    challenge = pending.take("sign_in").get("challenge")
    if not form.validate_on_submit():
        return _page(user, passkey_error="Your passkey was not used. Try again.", status=400)
    if not take_attempt(_throttle_key(user)):
        abort(429)
    if passkeys.authenticate(user, party(), challenge, form.credential.data):
        return _signed_in(user)
    message = "That passkey did not sign you in. Try again, or use another way below."
    return _wrong(user, lambda: _page(user, passkey_error=message, status=400))


@bp.route("/login/second-factor/code", methods=["POST"])
def second_factor_code():
    """Check a code from the user's authenticator app (each code works once)."""
    user = _verifying()
    if user is None:
        return _start_again()
    form = CodeForm()
    if not form.validate_on_submit():
        return _page(user, code_form=form, status=400)
    if not take_attempt(_throttle_key(user)):
        abort(429)
    if totp.check_code(user, form.code.data):
        return _signed_in(user)

    def retry():
        form.code.errors.append("Enter the code your authenticator app shows now: each code works once")
        return _page(user, code_form=form, status=400)

    return _wrong(user, retry)


@bp.route("/login/recovery-code", methods=["GET", "POST"])
def recovery_code_sign_in():
    """Sign in with one of the ten recovery codes, when the passkey or phone is lost."""
    user = _verifying()
    if user is None:
        return _start_again()
    form = RecoveryCodeForm()

    def page(status=200):
        return render_template("auth/mfa/recovery_code.html", form=form), status

    if not form.validate_on_submit():
        return page(400 if form.errors else 200)
    if not take_attempt(_throttle_key(user)):
        abort(429)
    if recovery.use_code(user, form.code.data):
        message = (
            f"You signed in with a recovery code; {recovery.codes_left(user)} left. Add a new passkey "
            "or authenticator app now, and remove any you have lost."
        )
        return _signed_in(user, then=url_for("auth.account"), message=message)

    def retry():
        form.code.errors.append("Enter a recovery code you have not used before")
        return page(400)

    return _wrong(user, retry)


@bp.route("/login/set-up")
def set_up_second_factor():
    """A required role with no second factor sets one up before being signed in."""
    if current_user.is_authenticated or pending.user(pending.SET_UP) is None:
        return _start_again()
    return render_template("auth/mfa/set_up.html")
