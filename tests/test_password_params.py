"""Argon2id parameters sized for the server, and hashes made with older ones remade at the
next sign-in."""

from argon2 import PasswordHasher
from argon2.low_level import Type

from qa_app.auth.models import User
from qa_app.auth.passwords import DEFAULT_PARAMS, check_password, needs_rehash
from qa_app.extensions import db
from tests.factories import PASSWORD

# OWASP's recommended configurations for Argon2id, as (memory KiB, passes, threads):
# any one of them, or more memory or passes at one thread, is at or above the line.
OWASP_MINIMUMS = [(47104, 1, 1), (19456, 2, 1), (12288, 3, 1), (9216, 4, 1), (7168, 5, 1)]


def test_production_parameters_are_owasps_on_one_thread():
    """The default parameters spend one thread and meet one of OWASP's configurations."""
    memory, passes = DEFAULT_PARAMS["memory_cost"], DEFAULT_PARAMS["time_cost"]
    assert DEFAULT_PARAMS["parallelism"] == 1
    assert any(memory >= m and passes >= t for m, t, _ in OWASP_MINIMUMS)


def test_production_config_hashes_with_the_defaults(make_app):
    """Outside the tests no parameters are configured, so the defaults above are used."""
    app = make_app(PASSWORD_HASH_PARAMS=None)
    with app.app_context():
        from qa_app.auth.passwords import hash_password

        made = hash_password("a-long-password-1")
    assert made.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def _old_hash(password):
    """A hash as the app made them before: more threads and passes than it now uses."""
    return PasswordHasher(time_cost=3, memory_cost=1024, parallelism=4, type=Type.ID).hash(password)


def test_an_old_hash_is_remade_at_the_next_sign_in(client, make_user):
    """Signing in with a hash of older parameters stores one with the app's; the next sign-in
    leaves it as it is."""
    user = make_user("officer")
    old = user.password_hash = _old_hash(PASSWORD)
    db.session.commit()
    assert needs_rehash(old)

    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    remade = db.session.get(User, user.id).password_hash
    assert remade != old and not needs_rehash(remade) and "p=1" in remade
    assert check_password(remade, PASSWORD)

    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert db.session.get(User, user.id).password_hash == remade


def test_a_wrong_password_leaves_an_old_hash_alone(client, make_user):
    """Only a correct password may be rehashed: a failed sign-in changes nothing."""
    user = make_user("officer")
    old = user.password_hash = _old_hash(PASSWORD)
    db.session.commit()
    assert client.post("/login", data={"email": user.email, "password": "wrong-password"}).status_code != 302
    assert db.session.get(User, user.id).password_hash == old
