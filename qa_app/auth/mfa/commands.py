"""`flask --app qa_app auth reset-second-factor EMAIL`: for a person who has lost their
passkeys, their phone and their recovery codes. Whoever runs it has the server, and has
checked who is asking; the person sets up a new factor at their next sign-in."""

import click

from qa_app.auth import bp
from qa_app.auth.mfa import recovery, totp
from qa_app.auth.mfa.models import Passkey
from qa_app.auth.services import find_user_by_email
from qa_app.extensions import db


@bp.cli.command("reset-second-factor")
@click.argument("email")
def reset_second_factor(email):
    """Remove every passkey, authenticator app and recovery code of the user with EMAIL, and
    end their sessions."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user has the email address {email}")
    db.session.execute(db.delete(Passkey).where(Passkey.user_id == user.id))
    totp.remove(user)
    recovery.remove_codes(user)
    user.end_sessions()
    db.session.commit()
    click.echo(
        f"{user.email} has no second factor now; they set one up at their next sign-in if their role needs it."
    )
