"""The account page: a user's passkeys, authenticator app and recovery codes.

Adding a passkey or an app is also how a required role with no second factor finishes its
first sign-in (pending.SET_UP): those two pages serve either the signed-in user or that one.
"""

from functools import wraps

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from qa_app.auth import bp
from qa_app.auth.mfa import passkeys, pending, recovery, totp
from qa_app.auth.mfa.forms import CodeForm, ConfirmForm, NewPasskeyForm
from qa_app.auth.mfa.routes import party
from qa_app.auth.mfa.services import (
    factors,
    first_codes_if_none,
    has_second_factor,
    is_required,
    remove_app,
    remove_passkey,
)
from qa_app.auth.routes import home_page
from qa_app.domain import Invalid
from qa_app.extensions import db, login_manager
from qa_app.forms import show_errors


def signed_in_or_setting_up(view):
    """Give the view the signed-in user, or the one who must set up a factor to sign in."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        user = current_user if current_user.is_authenticated else pending.user(pending.SET_UP)
        if user is None:
            return login_manager.unauthorized()
        return view(user, *args, **kwargs)

    return wrapped


@bp.route("/account")
@login_required
def account():
    """The user's ways of signing in: passkeys, authenticator app, recovery codes."""
    return render_template(
        "auth/mfa/account.html",
        held=factors(current_user),
        codes_left=recovery.codes_left(current_user),
        required=is_required(current_user, current_app.config),
        confirm=ConfirmForm(),
    )


def _factor_added(user, what):
    """After a first factor: show the ten recovery codes once; a sign-in waiting for it ends."""
    codes = first_codes_if_none(user)
    if current_user.is_authenticated:
        db.session.commit()
        if codes:
            return _show_codes(codes, url_for("auth.account"))
        flash(f"{what} added.")
        return redirect(url_for("auth.account"))
    next_page = pending.finish(user)
    db.session.commit()
    then = next_page or home_page(user)
    return _show_codes(codes, then) if codes else redirect(then)


def _show_codes(codes, then):
    return render_template("auth/mfa/recovery_codes.html", codes=codes, then=then)


@bp.route("/account/passkeys/new", methods=["GET", "POST"])
@signed_in_or_setting_up
def new_passkey(user):
    """Create a passkey on this device (or a phone or security key) and keep its public key."""
    form = NewPasskeyForm()
    if form.validate_on_submit():
        kept = pending.take("register")
        try:
            passkeys.register(
                user, party(), kept.get("challenge"), kept.get("handle"), form.credential.data, form.name.data
            )
        except Invalid as error:
            show_errors(form, error.fields, {"name": "name", "passkey": "credential"})
        else:
            return _factor_added(user, "Passkey")
    options, challenge, handle = passkeys.registration_options(user, party())
    pending.keep("register", challenge=challenge, handle=handle)
    return render_template(
        "auth/mfa/new_passkey.html", form=form, options=options, setting_up=not current_user.is_authenticated
    ), 400 if form.errors else 200


@bp.route("/account/authenticator-app", methods=["GET", "POST"])
@signed_in_or_setting_up
def authenticator_app(user):
    """Set up an authenticator app: its key is shown, and a code from it confirms it."""
    form = CodeForm()
    secret = (pending.take("app").get("secret") or b"").decode()
    if form.validate_on_submit() and secret:
        try:
            totp.set_up(user, secret, form.code.data)
        except Invalid as error:
            show_errors(form, error.fields)
        else:
            return _factor_added(user, "Authenticator app")
    if form.is_submitted() and not secret and not form.errors:
        form.code.errors.append("That key has expired: add this new key to your app, then enter its code")
    if not secret or not form.is_submitted():
        secret = totp.new_secret()
    pending.keep("app", secret=secret.encode())
    uri = totp.provisioning_uri(secret, user, current_app.config["SERVICE_NAME"])
    return render_template(
        "auth/mfa/authenticator_app.html",
        form=form,
        key=totp.grouped(secret),
        uri=uri,
        qr_code=totp.qr_code(uri),
        setting_up=not current_user.is_authenticated,
        replacing=totp.app_of(user) is not None,
    ), 400 if form.errors else 200


@bp.route("/account/passkeys/<int:passkey_id>/remove", methods=["POST"])
@login_required
def remove_passkey_page(passkey_id):
    """Remove one of the user's passkeys (never a required user's last factor)."""
    ConfirmForm().validate_on_submit() or abort(400)
    try:
        if not remove_passkey(current_user, passkey_id, current_app.config):
            abort(404)
        flash("Passkey removed.")
    except Invalid as error:
        flash(error.message, "error")
    db.session.commit()
    return redirect(url_for("auth.account"))


@bp.route("/account/authenticator-app/remove", methods=["POST"])
@login_required
def remove_authenticator_app():
    """Remove the user's authenticator app (never a required user's last factor)."""
    ConfirmForm().validate_on_submit() or abort(400)
    try:
        if remove_app(current_user, current_app.config):
            flash("Authenticator app removed.")
        else:
            flash("You have no authenticator app set up.", "error")
    except Invalid as error:
        flash(error.message, "error")
    db.session.commit()
    return redirect(url_for("auth.account"))


@bp.route("/account/recovery-codes", methods=["POST"])
@login_required
def new_recovery_codes():
    """Ten new recovery codes, shown once; the old ones stop working."""
    ConfirmForm().validate_on_submit() or abort(400)
    if not has_second_factor(current_user):
        flash("Add a passkey or an authenticator app first: recovery codes stand in for one.", "error")
        return redirect(url_for("auth.account"))
    codes = recovery.replace_codes(current_user)
    db.session.commit()
    return _show_codes(codes, url_for("auth.account"))
