"""Sign-in throttling, counted before any password is checked.

Three counters, each taken in turn and only while the earlier ones allow the attempt:
per address (every account), per account and address, and per account (slower). An address
that is refused adds nothing to the account's count, and one address can add at most two
windows of its own limit to it, which stays below the account's limit: so one address can
never lock an account for anyone else, while many addresses guessing at one account are
still stopped. A correct password forgives its own address's failures on that account.

The address is the client's as Werkzeug's ProxyFix reads it when TRUSTED_PROXIES is set.
"""

from flask import current_app, request
from limits import parse_many

from qa_app.auth.services import normalise_email
from qa_app.extensions import limiter


def _counters(email):
    """(config setting, identifiers) for each counter, in the order they are taken."""
    account = normalise_email(email)
    address = request.remote_addr or ""
    return (
        ("LOGIN_ADDRESS_RATE_LIMIT", ("login-address", address)),
        ("LOGIN_RATE_LIMIT", ("login", account, address)),
        ("LOGIN_ACCOUNT_RATE_LIMIT", ("login-account", account)),
    )


def _enabled():
    return current_app.config.get("RATELIMIT_ENABLED", True)


def take_attempt(email):
    """Count one sign-in attempt for this email from this address; False when it is over a limit.

    Counting first (an atomic increment) means parallel guesses cannot all pass a check
    made before any of them is counted."""
    if not _enabled():
        return True
    for setting, identifiers in _counters(email):
        for item in parse_many(current_app.config[setting]):
            if not limiter.limiter.hit(item, *identifiers):
                return False
    return True


def forgive(email):
    """After a correct password, clear this address's count for the account."""
    if not _enabled():
        return
    _setting, identifiers = _counters(email)[1]
    for item in parse_many(current_app.config["LOGIN_RATE_LIMIT"]):
        limiter.limiter.clear(item, *identifiers)
