"""Sign-in throttling that counts failures only, and never locks out anyone who has not failed.

As OWASP's authentication cheat sheet advises, the limits fall on whoever is guessing:
- per address and account, a backoff: LOGIN_RATE_LIMIT failures ("5/minute;10/hour") and that
  address must wait before it tries that account again;
- per account, a slow-down without a captcha: once LOGIN_ACCOUNT_RATE_LIMIT failures from all
  addresses are reached, an address that has failed on the account within the window of
  LOGIN_SLOW_DOWN_LIMIT ("1/10minutes") waits for it to pass before its next try. An address
  that has not failed on the account is never refused, so no number of addresses can lock
  its owner out;
- per address, LOGIN_ADDRESS_RATE_LIMIT failures across every account ("100/hour"), against one
  address trying many accounts.

A correct sign-in is never counted. The address's try on the account is reserved before the
password is checked (an atomic increment, so parallel guesses cannot all pass a check made
before any of them is counted) and given back, with that address's earlier failures on the
account, when the password is right.

The counts live in RATELIMIT_STORAGE_URI (Redis in production, shared by every worker) under
RATELIMIT_KEY_PREFIX. The address is the client's as Werkzeug's ProxyFix reads it when
TRUSTED_PROXIES is set.
"""

from dataclasses import dataclass

from flask import current_app, request
from limits import parse_many

from qa_app.auth.services import normalise_email
from qa_app.extensions import limiter


def _limits(setting):
    return parse_many(current_app.config[setting])


def _enabled():
    return current_app.config.get("RATELIMIT_ENABLED", True)


@dataclass(frozen=True)
class Attempt:
    """One sign-in: the account it names and the address it comes from."""

    account: str
    address: str

    @classmethod
    def of(cls, email):
        return cls(normalise_email(email), request.remote_addr or "")

    def _key(self, *parts):
        return (current_app.config.get("RATELIMIT_KEY_PREFIX", ""), *parts)

    @property
    def pair(self):
        return self._key("login", self.account, self.address)

    @property
    def slowed(self):
        return self._key("login-slowed", self.account, self.address)

    @property
    def account_key(self):
        return self._key("login-account", self.account)

    @property
    def address_key(self):
        return self._key("login-address", self.address)


def _within(setting, key):
    """True while the counts under `key` are below every limit of `setting`."""
    return all(limiter.limiter.test(item, *key) for item in _limits(setting))


def _reserve(setting, key):
    """Count one more under `key`; False when that goes over a limit of `setting`."""
    return all([limiter.limiter.hit(item, *key) for item in _limits(setting)])


def _clear(setting, key):
    for item in _limits(setting):
        limiter.limiter.clear(item, *key)


def under_attack(attempt):
    """True when the account has had as many failures as it takes from all addresses."""
    return not _within("LOGIN_ACCOUNT_RATE_LIMIT", attempt.account_key)


def take_attempt(email):
    """Reserve this address's try at this account; False (refuse it) when the address is over
    its own limits, or has failed lately on an account that is under attack."""
    if not _enabled():
        return True
    attempt = Attempt.of(email)
    if not _within("LOGIN_ADDRESS_RATE_LIMIT", attempt.address_key):
        return False
    if under_attack(attempt) and not _within("LOGIN_SLOW_DOWN_LIMIT", attempt.slowed):
        return False
    return _reserve("LOGIN_RATE_LIMIT", attempt.pair)


def failed(email):
    """A wrong password: the reserved try stays counted, and the account's and the address's
    counts of failures go up."""
    if not _enabled():
        return
    attempt = Attempt.of(email)
    _reserve("LOGIN_SLOW_DOWN_LIMIT", attempt.slowed)
    _reserve("LOGIN_ACCOUNT_RATE_LIMIT", attempt.account_key)
    _reserve("LOGIN_ADDRESS_RATE_LIMIT", attempt.address_key)


def succeeded(email):
    """A correct password: give back the reserved try and this address's failures on the account."""
    if not _enabled():
        return
    attempt = Attempt.of(email)
    _clear("LOGIN_RATE_LIMIT", attempt.pair)
    _clear("LOGIN_SLOW_DOWN_LIMIT", attempt.slowed)
