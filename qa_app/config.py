"""Configuration defaults; secrets and paths come from the environment or instance/config.py."""

import os
from datetime import date, time, timedelta

import orjson


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    # JSON columns are read with orjson: the same values as the standard library's, in a
    # fraction of the time (a visit has a dozen of them).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "json_deserializer": orjson.loads}

    # A resent sync request waits this long for the first copy's answer (api/idempotency.py),
    # then is told to retry (409 in_progress).
    IDEMPOTENCY_WAIT_SECONDS = 10

    # Once built, the app's own objects (modules, mappers, compiled templates: about 200,000)
    # live as long as the process. create_app moves them out of the garbage collector's
    # sight, so its full collections stop walking them again and again.
    FREEZE_STARTUP_OBJECTS = True

    # Requests: a visit with photos stays well inside 16 MB. A page's form (urlencoded) is
    # refused past 2 MB, which holds the longest form filled in full with accented text
    # (request_limits.py); a multipart form's text field past 500 KB; any form past 2,000 fields.
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    MAX_FORM_CONTENT_LENGTH = 2 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 500 * 1024
    MAX_FORM_PARTS = 2000

    # Sessions: tablets are used for a whole visit day, so tokens outlive an hour.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = 12 * 60 * 60
    # __Host- cookies are only sent over HTTPS, to this exact host, for every path.
    SESSION_COOKIE_NAME = "__Host-qa_session"
    REMEMBER_COOKIE_NAME = "__Host-qa_remember"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    # Sign-in throttling (auth/throttle.py), counting failures only; production points this at
    # Redis (redis://host:6379), which every worker shares. The prefix keeps apart two services
    # (or test runs) that share one Redis.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "qa_app")
    RATELIMIT_HEADERS_ENABLED = True
    # Backoff per account and address.
    LOGIN_RATE_LIMIT = "5/minute;10/hour"
    # Failures from all addresses after which the account slows down: each address that then
    # fails on it may try it this often (an address that has not failed is never refused).
    LOGIN_ACCOUNT_RATE_LIMIT = "50/hour"
    LOGIN_SLOW_DOWN_LIMIT = "1/10minutes"
    # Failures from one address across every account.
    LOGIN_ADDRESS_RATE_LIMIT = "100/hour"
    # Password accounts whose role is listed here must give a second factor (a passkey, an
    # authenticator app's code or a recovery code) after the password (auth/mfa/). Every role
    # by default: each sees pupil references, or (admin) makes accounts that do. Comma-separated.
    MFA_REQUIRED_ROLES = os.environ.get("MFA_REQUIRED_ROLES", "officer,head_of_access,school,provider,admin")
    # Passkeys belong to this domain and origin (https://qa.example.gov.uk); unset, the
    # request's own address is used. The domain must be a name, never an IP address.
    WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "")
    WEBAUTHN_ORIGIN = os.environ.get("WEBAUTHN_ORIGIN", "")
    # How many proxies in front of the app set X-Forwarded-For (the README's TLS proxy: 1).
    # Unset, the connecting address is the client's: never trust headers no proxy set.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    # Sign-in with the council's identity provider (OpenID Connect; auth/oidc.py, README). Unset,
    # staff sign in with passwords only. OIDC_ALLOWED_TENANTS: Entra ID tenant ids, by commas.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
    OIDC_ALLOWED_TENANTS = os.environ.get("OIDC_ALLOWED_TENANTS", "")
    OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "")
    # Roles that may still sign in with a password, by commas (every role when unset): leave out
    # the staff roles once they sign in through the identity provider.
    PASSWORD_SIGN_IN_ROLES = os.environ.get("PASSWORD_SIGN_IN_ROLES") or None

    # Email: with no MAIL_SERVER, messages are written to the log instead (development).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "true").lower() == "true"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "qa-noreply@example.org")
    MAIL_TIMEOUT = 10
    # Links in emails need the public address of the service.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    AUTHORITY_NAME = os.environ.get("AUTHORITY_NAME", "Riverside Borough Council")
    SERVICE_NAME = "Alternative provision quality assurance"
    PUBLIC_REGISTER_ENABLED = True
    REGISTER_PAGE_SIZE = 25

    # Photos of evidence: kept outside static/, served only to those who may see the visit.
    # Empty means instance/photos.
    PHOTO_STORAGE_PATH = os.environ.get("PHOTO_STORAGE_PATH", "")
    PHOTO_MAX_BYTES = 10 * 1024 * 1024
    # Providers' documents and evidence files (PDF, JPG or PNG), kept in the database.
    DOCUMENT_MAX_BYTES = 8 * 1024 * 1024
    # Working days a provider has to comment on the facts of a draft report (England and
    # Wales bank holidays are not working days).
    FACTUAL_ACCURACY_WORKING_DAYS = 10

    # Who a school contacts first about a pupil with an EHC plan, instead of referring the
    # pupil to the Gateway panel (docs/domain.md §2.8). An authority sets its own in instance/config.py.
    COMPLEX_NEEDS_SPOC = os.environ.get(
        "COMPLEX_NEEDS_SPOC", "the Complex Needs Team single point of contact (complexneeds@example.org)"
    )

    # Retention (docs/retention.md; `flask apply-retention`). A pupil's placements, their
    # reviews, endings and attendance marks are kept until the pupil reaches one of these ages,
    # worked out from the year group at placement: Lancashire County Council's Access to
    # Education schedule (attendance and children missing education). The highest that
    # applies: ever looked after, then ever an EHC plan, then any other pupil.
    RETENTION_PUPIL_AGES = {"looked_after": 75, "ehc_plan": 45, "other": 31}
    # Whole years after which the authority's own case records go: an escalation from when
    # it was closed, a referral from the panel's decision (or its last change if never
    # decided), a visit from its sign-off (or its last change if never signed off).
    RETENTION_YEARS = {"escalation": 6, "referral": 6, "visit": 6}

    # Every page says "Demo: not for real data" unless this is production.
    DEMO_BANNER = False

    # The first day of each term, by academic year, for attendance of pupils in AP
    # (placements/attendance.py). A term runs from its first day to the day before the next
    # term's, so a review dated in a holiday counts in the term just ended; years not listed
    # fall back to 1 September, 1 January and 1 April. England's usual dates by default;
    # an authority with its own sets TERM_DATES in instance/config.py.
    TERM_DATES = {
        "2024-25": {"autumn": date(2024, 9, 3), "spring": date(2025, 1, 6), "summer": date(2025, 4, 22)},
        "2025-26": {"autumn": date(2025, 9, 3), "spring": date(2026, 1, 5), "summer": date(2026, 4, 13)},
        "2026-27": {"autumn": date(2026, 9, 3), "spring": date(2027, 1, 4), "summer": date(2027, 4, 12)},
    }

    # When a session's register must be marked, UK local time (docs/domain.md §2.10): a pupil
    # not marked by then, or a provider with nothing marked, raises an attendance alert.
    ATTENDANCE_DEADLINES = {"am": time(10, 0), "pm": time(14, 0)}

    # The school holidays (first and last day, inclusive) between and within those terms:
    # providers' registers list no pupils on these days, nor on weekends and bank holidays
    # (placements/registers.py). England's usual dates by default; an authority sets its own
    # in instance/config.py.
    SCHOOL_HOLIDAYS = (
        (date(2025, 10, 27), date(2025, 10, 31)),
        (date(2025, 12, 22), date(2026, 1, 2)),
        (date(2026, 2, 16), date(2026, 2, 20)),
        (date(2026, 3, 30), date(2026, 4, 10)),
        (date(2026, 5, 25), date(2026, 5, 29)),
        (date(2026, 7, 22), date(2026, 9, 2)),
        (date(2026, 10, 26), date(2026, 10, 30)),
        (date(2026, 12, 21), date(2027, 1, 1)),
        (date(2027, 2, 15), date(2027, 2, 19)),
        (date(2027, 3, 29), date(2027, 4, 9)),
        (date(2027, 5, 31), date(2027, 6, 4)),
        (date(2027, 7, 21), date(2027, 9, 1)),
    )


class DevelopmentConfig(Config):
    """Local development over plain HTTP on 127.0.0.1."""

    SESSION_COOKIE_NAME = "qa_session"
    REMEMBER_COOKIE_NAME = "qa_remember"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    # A known key and cookies that are not Secure: say so on every page.
    DEMO_BANNER = True
    # The demo's sign-ins work with the password alone; anyone may add a second factor from
    # their account page, and MFA_REQUIRED_ROLES=school (say) tries the required flow.
    MFA_REQUIRED_ROLES = os.environ.get("MFA_REQUIRED_ROLES", "")


class TestingConfig(DevelopmentConfig):
    """The test suite: a fresh database per test, no real clock or network."""

    TESTING = True
    SECRET_KEY = "test-secret"
    # The suite builds hundreds of apps in one process: frozen, none of them would be freed.
    FREEZE_STARTUP_OBJECTS = False
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    # Tests that need a required role set it themselves (tests/test_mfa.py).
    MFA_REQUIRED_ROLES = ""
    # Fast hashes in tests; production uses the argon2id defaults in auth.passwords.
    PASSWORD_HASH_PARAMS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


CONFIGS = {
    "development": DevelopmentConfig,
    "production": Config,
    "testing": TestingConfig,
}
