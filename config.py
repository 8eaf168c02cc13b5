"""Configuration: environment variables with safe development defaults."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))


def _bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = (
        os.environ.get("SECRET_KEY") or None
    )  # unset: a random key kept in instance/secret_key
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'grants.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Without REDIS_URL: exports are made by a worker thread of each app process, outside the
    # request that
    # asked for them (grants/exports/worker.py); off, inside that request (the tests' default)
    JOBS_IN_THREAD = _bool("JOBS_IN_THREAD", True)
    # seconds between two reminder scans (rq's scheduler, or the runner thread without Redis)
    REMINDER_INTERVAL = int(os.environ.get("REMINDER_INTERVAL", "3600"))
    # seconds between the heartbeats of a worker making an export; one unheard of for six of them is
    # lost with its worker (staff may retry it)
    EXPORT_HEARTBEAT = int(os.environ.get("EXPORT_HEARTBEAT", "15"))
    # how many proxies (load balancers) in front of the app set X-Forwarded-For and -Proto: the
    # client's address (rate limits, the audit log) is read from them; 0: the connection's address
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # "json": one JSON object a line (with the request id); "text": plain lines
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    # /metrics answers only with "Authorization: Bearer <METRICS_TOKEN>"; unset: 404 (no metrics)
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis down: limits are kept per process meanwhile
    RATELIMIT_SWALLOW_ERRORS = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get(
        "LOGIN_ACCOUNT_RATE_LIMIT", "30 per hour"
    )  # failed, per account
    # registrations and searches of /auth/join, per address: no listing of organisations, no mail
    # bombing
    REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "30 per minute")

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "grants@localhost")
    # The canonical address of the app: every e-mailed link is built from it, never from the
    # request's
    # Host header (which anyone can set). `make run` sets it for the address it serves.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    TRUSTED_HOSTS = (
        None  # production: the BASE_URL's host and ALLOWED_HOSTS; other Host headers get 400
    )

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 8
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so a long form never loses its token
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024

    LANGUAGES = ["en", "tr"]
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    # the programme's IANA time zone: times that belong to no call (accounts, the outbox) are shown
    # in it;
    # a call's times are shown in the call's own zone
    TIMEZONE = os.environ.get("TIMEZONE", "Europe/Istanbul")
    TOKEN_MAX_AGE = (
        60 * 60 * 24
    )  # password reset, invitation and e-mail confirmation links, seconds
    PARTNER_INVITATION_MAX_AGE = (
        60 * 60 * 24 * 30
    )  # a partner authority's registration link, seconds
    # what a newly registered organisation is told: staff verify it within about this many working
    # days
    VERIFICATION_WORKING_DAYS = int(os.environ.get("VERIFICATION_WORKING_DAYS", "3"))
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "files"))
    UPLOAD_MAX_BYTES = int(
        os.environ.get("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024))
    )  # per attached file
    EXPORT_DIR = os.environ.get(
        "EXPORT_DIR", str(INSTANCE_DIR / "exports")
    )  # report files, never under static/
    # the rendered documents (application summaries, letters: grants/documents.py), each kept once
    DOCUMENT_DIR = os.environ.get("DOCUMENT_DIR", str(INSTANCE_DIR / "documents"))
    # render a document in a background job when it stops changing (a submission, a letter issued),
    # so that the ZIP of application PDFs copies it; on by default with rq workers (REDIS_URL): in
    # process, the job would run inside the request
    PRERENDER_DOCUMENTS = _bool("PRERENDER_DOCUMENTS", bool(os.environ.get("REDIS_URL")))
    # where those files are kept (grants/files.py): "local" (UPLOAD_DIR and EXPORT_DIR, the
    # default) or "s3", an S3-compatible object store that every app server and worker shares
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None  # unset: AWS itself
    S3_BUCKET = os.environ.get("S3_BUCKET") or None  # created if missing
    S3_ACCESS_KEY = os.environ.get("S3_ACCESS_KEY") or None  # unset: boto3's usual credentials
    S3_SECRET_KEY = os.environ.get("S3_SECRET_KEY") or None
    S3_REGION = os.environ.get("S3_REGION") or None  # unset: us-east-1
    # 360Giving: the publisher's prefix for grant (and recipient) identifiers, and the funder's
    # org-id
    GIVING360_PREFIX = os.environ.get("GIVING360_PREFIX", "360G-twingrants")
    GIVING360_FUNDER_ID = os.environ.get(
        "GIVING360_FUNDER_ID", "XM-DAC-918"
    )  # org-id.guide: EU institutions
    GIVING360_FUNDER_NAME = os.environ.get("GIVING360_FUNDER_NAME", "European Union")


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test"
    BASE_URL = "http://localhost"  # the test client's host
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_RATE_LIMIT = "5 per minute"
    LOGIN_ACCOUNT_RATE_LIMIT = "8 per hour"
    MAIL_SERVER = None
    REDIS_URL = None
    METRICS_TOKEN = None
    LOG_FORMAT = "text"
    # a test that wants the worker thread turns it on (tests/integration/test_exports_thread.py)
    JOBS_IN_THREAD = False
    # made when first written; one per test process, so that two suites may run at once (CI)
    EXPORT_DIR = str(Path(tempfile.gettempdir()) / f"twin-grants-test-exports-{os.getpid()}")
    DOCUMENT_DIR = str(Path(tempfile.gettempdir()) / f"twin-grants-test-documents-{os.getpid()}")
    PRERENDER_DOCUMENTS = False  # a test that wants the jobs turns them on


class ProductionConfig(Config):
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    def __init__(self) -> None:
        if not os.environ.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in production")
        self.SECRET_KEY = os.environ["SECRET_KEY"]
        if not os.environ.get("BASE_URL"):
            raise RuntimeError(
                "BASE_URL must be set in production (e.g. https://grants.example.org)"
            )
        self.BASE_URL = os.environ["BASE_URL"]
        if self.STORAGE_BACKEND not in ("local", "s3"):
            raise RuntimeError("STORAGE_BACKEND must be local or s3")
        if self.STORAGE_BACKEND == "s3" and not self.S3_BUCKET:
            raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        self.TRUSTED_HOSTS = [
            urlsplit(self.BASE_URL).hostname,
            *(h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()),
        ]
