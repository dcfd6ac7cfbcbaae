"""Writing the read log: `@audited(action, kind, id_arg)` on every view that shows or sends
pupil-level or safeguarding content, and `record_read` for anything else that does.

The event is written after the view has read its data and before the response leaves: the
view's answer is held back until the event is committed, so a read that could not be
logged is never sent (a 500 instead).
"""

import inspect
from functools import wraps

from flask import current_app, g, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from qa_app.audit.models import ACTIONS, KINDS, ReadEvent
from qa_app.extensions import db

# Answers that carry the record's content: a page, or a form shown again with its errors (a
# download or export only when it is sent, 200). Redirects, refusals (401, 403, 404) and
# failures show nothing of it.
SHOWN = frozenset({200, 400, 409, 422})


def record_read(user, action, kind, object_id=None):
    """Add a read event for this request (committed by the caller, or by `audited`, which then
    writes no second one)."""
    if action not in ACTIONS or kind not in KINDS:
        raise ValueError(f"unknown read {action!r} of {kind!r}")
    g.read_recorded = True
    db.session.add(
        ReadEvent(
            user_id=user.id,
            role=user.role,
            action=action,
            object_kind=kind,
            object_id=None if object_id is None else str(object_id)[:64],
            path=request.full_path.rstrip("?")[:500],
            address=(request.remote_addr or "")[:45],
        )
    )


def audited(action, kind, id_arg=None):
    """Decorate a view (under @login_required) so each answer it shows is logged: `kind` is
    what it shows, `id_arg` the URL argument naming the record (None for a list)."""
    if action not in ACTIONS or kind not in KINDS:
        raise ValueError(f"unknown read {action!r} of {kind!r}")

    shown = SHOWN if action == "view" else (200,)

    def decorate(view):
        signature = inspect.signature(view)

        @wraps(view)
        def logged(*args, **kwargs):
            response = current_app.make_response(view(*args, **kwargs))
            recorded = g.get("read_recorded")
            if response.status_code in shown and current_user.is_authenticated and not recorded:
                # The record's id as the URL gave it, or as another view passed it on.
                named = signature.bind_partial(*args, **kwargs).arguments.get(id_arg) if id_arg else None
                record_read(current_user, action, kind, named)
                db.session.commit()
            return response

        logged.audited_read = (action, kind)
        return logged

    return decorate


def views_of(kind, object_id):
    """The views of one record, newest first, each with its person (one query): for a record's
    own history page."""
    return db.session.scalars(
        select(ReadEvent)
        .options(joinedload(ReadEvent.user))
        .where(
            ReadEvent.object_kind == kind, ReadEvent.object_id == str(object_id), ReadEvent.action == "view"
        )
        .order_by(ReadEvent.at.desc(), ReadEvent.id.desc())
    ).all()
