"""Configuration defaults; secrets and paths come from the environment or instance/config.py."""

import os
from datetime import date, timedelta


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Requests: a visit with photos stays well inside 16 MB; forms are small.
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
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

    # Sign-in throttling (auth/throttle.py); production points this at Redis (redis://host:6379).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Per account and address. One address adds at most twice its hourly limit to the
    # account's count, so it must stay below half LOGIN_ACCOUNT_RATE_LIMIT.
    LOGIN_RATE_LIMIT = "5/minute;10/hour"
    LOGIN_ACCOUNT_RATE_LIMIT = "50/hour"
    LOGIN_ADDRESS_RATE_LIMIT = "100/hour"
    # How many proxies in front of the app set X-Forwarded-For (the README's TLS proxy: 1).
    # Unset, the connecting address is the client's: never trust headers no proxy set.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

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

    # Who a school contacts first about a pupil with an EHC plan, instead of referring the
    # pupil to the Gateway panel (DESIGN.md 2.8). An authority sets its own in instance/config.py.
    COMPLEX_NEEDS_SPOC = os.environ.get(
        "COMPLEX_NEEDS_SPOC", "the Complex Needs Team single point of contact (complexneeds@example.org)"
    )

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


class DevelopmentConfig(Config):
    """Local development over plain HTTP on 127.0.0.1."""

    SESSION_COOKIE_NAME = "qa_session"
    REMEMBER_COOKIE_NAME = "qa_remember"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    # A known key and cookies that are not Secure: say so on every page.
    DEMO_BANNER = True


class TestingConfig(DevelopmentConfig):
    """The test suite: a fresh database per test, no real clock or network."""

    TESTING = True
    SECRET_KEY = "test-secret"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    # Fast hashes in tests; production uses the argon2id defaults in auth.passwords.
    PASSWORD_HASH_PARAMS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


CONFIGS = {
    "development": DevelopmentConfig,
    "production": Config,
    "testing": TestingConfig,
}
