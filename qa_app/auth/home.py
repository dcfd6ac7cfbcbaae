"""The front page: the address `make run` prints, and where the header's name leads."""

from flask import redirect, url_for
from flask_login import current_user

from qa_app.auth import bp
from qa_app.auth.routes import home_page


@bp.route("/")
def home():
    """Send a signed-in user to their home page, anyone else to the sign-in page."""
    if current_user.is_authenticated:
        return redirect(home_page(current_user))
    return redirect(url_for("auth.login"))
