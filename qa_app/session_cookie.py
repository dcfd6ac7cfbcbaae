"""The signed session cookie, written only when it changed or has grown old.

Flask rewrites a permanent session's cookie on every response, to slide its expiry. A page
then races the requests its own scripts make: the offline bundle, a sync, a checklist. One of
them that set out with the cookie as it was before a form was posted, and answers after it,
writes that older cookie back over the newer one, and the message the post left for the next
page ("Decision recorded") is gone. Here a response sets the cookie only when the session was
changed on the server, or when the cookie it came with was written more than REFRESH_AFTER
ago: the expiry still slides, and a background answer carries no cookie in the minutes around
a post.
"""

import time
from datetime import timedelta

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

# How old a cookie must be before an unchanged session is written again to slide its expiry.
REFRESH_AFTER = timedelta(minutes=10)


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed cookie session, knowing when the cookie it read was written."""

    def open_session(self, app, request):
        """The session from the request's cookie, with the time the cookie was written."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, written = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.written_at = written.timestamp()
        return session

    def should_set_cookie(self, app, session):
        """Changed on the server, or a permanent session whose cookie is due to slide on."""
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        written = getattr(session, "written_at", None)
        return written is None or time.time() - written >= REFRESH_AFTER.total_seconds()
