"""A sign-in that has passed the password and waits for the second factor.

The session holds only who is signing in, the session token they had (so a sign-out, a
new password or a disabled account ends the wait too), where they were going, and when the
password was given. Nobody is signed in (Flask-Login knows nothing of it) until the second
factor is given; a wait over PENDING_SECONDS, or MAX_FAILURES wrong answers, and the
password must be given again. The ceremonies' challenges are kept here between requests.
"""

import base64
import time

from flask import session
from flask_login import login_user

from qa_app.auth.models import User
from qa_app.extensions import db

KEY = "second_factor"
PENDING_SECONDS = 10 * 60
MAX_FAILURES = 5
# What the user must do next: give a factor they have, or set one up (a required role).
VERIFY, SET_UP = "verify", "set_up"


def begin(user, next_page, stage):
    """Start waiting for this user's second factor, in a fresh session."""
    session.clear()
    session[KEY] = {
        "user": user.id,
        "token": user.session_token,
        "next": next_page,
        "stage": stage,
        "since": int(time.time()),
        "failures": 0,
    }


def _state():
    state = session.get(KEY)
    if not isinstance(state, dict):
        return None
    if time.time() - state.get("since", 0) > PENDING_SECONDS:
        session.pop(KEY, None)
        return None
    return state


def user(stage=None):
    """The user waiting to give (or, with stage=SET_UP, set up) a second factor, or None."""
    state = _state()
    if state is None or (stage and state["stage"] != stage):
        return None
    found = db.session.get(User, state["user"])
    if found is None or not found.active or found.session_token != state["token"]:
        session.pop(KEY, None)
        return None
    return found


def stage():
    """VERIFY or SET_UP while a sign-in waits, else None."""
    state = _state()
    return state and state["stage"]


def failed():
    """Count a wrong answer; True when that was the last allowed (the wait is over)."""
    state = _state()
    if state is None:
        return True
    state["failures"] += 1
    session.modified = True
    if state["failures"] >= MAX_FAILURES:
        session.pop(KEY, None)
        return True
    return False


def finish(user):
    """Sign the user in, in a fresh session; returns where they were going (or None)."""
    next_page = (_state() or {}).get("next")
    session.clear()
    session.permanent = True
    login_user(user)
    return next_page


def keep(name, **values):
    """Keep a ceremony's bytes (a challenge, a user handle) in the session until taken."""
    session[f"{KEY}:{name}"] = {k: base64.b64encode(v).decode() for k, v in values.items()}


def take(name):
    """The bytes kept under `name`, removed so they are used once ({} when none)."""
    kept = session.pop(f"{KEY}:{name}", None) or {}
    return {k: base64.b64decode(v) for k, v in kept.items()}
