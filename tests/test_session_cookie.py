"""The session cookie is written when the session changes, or when it is old enough to slide
on, never by every answer: a background request that set out before a post must not write
the older cookie back and lose the message the post left (qa_app/session_cookie.py)."""

import time

from qa_app import session_cookie
from tests.test_admin import user_data


def cookie_set(response):
    return any(header.startswith("qa_session=") for header in response.headers.getlist("Set-Cookie"))


def test_an_unchanged_session_is_not_written_back(client, signed_in):
    signed_in("officer")
    client.get("/programme")  # its sign-out button's form puts a CSRF token in the session
    assert not cookie_set(client.get("/api/offline-bundle"))
    assert not cookie_set(client.get("/programme"))


def test_an_old_cookie_slides_on_and_still_signs_in(client, signed_in, monkeypatch):
    earlier = time.time() - session_cookie.REFRESH_AFTER.total_seconds() - 1
    monkeypatch.setattr(time, "time", lambda: earlier)
    signed_in("officer")
    client.get("/programme")  # the CSRF token too, in a cookie written back then
    monkeypatch.undo()
    response = client.get("/programme")
    assert response.status_code == 200
    assert cookie_set(response)
    assert not cookie_set(client.get("/programme"))  # written just now: left alone
    assert client.get("/programme").status_code == 200  # the cookie written is a good one


def test_a_background_answer_after_a_post_keeps_the_posts_message(app, client, signed_in):
    """The bundle request leaves with the cookie from before the post and answers after it:
    the page the post redirects to still shows what was done."""
    signed_in("admin")
    client.get("/admin/users")  # the page the form is posted from: its CSRF token
    before_post = client.get_cookie("qa_session").value
    response = client.post("/admin/users/new", data=user_data())
    assert response.status_code == 302 and cookie_set(response)

    background = app.test_client()
    background.set_cookie("qa_session", before_post)
    for answer in (background.get("/api/offline-bundle"), background.get("/admin/users")):
        assert answer.status_code in (200, 403) and not cookie_set(answer)

    assert "can now sign in as" in client.get("/admin/users").get_data(as_text=True)
