"""Django settings, read from the environment so one build serves the demo and production.

Secrets never live in the repository: the secret key and the audit-chain key are generated
into ``./var/`` on first run unless the environment supplies them.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from rcmdesk.conf import env_bool, env_int, secret_from_env_or_file, var_dir
from rcmdesk.untrusted import Limits

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = var_dir()

SECRET_KEY = secret_from_env_or_file("RCMDESK_SECRET_KEY", VAR_DIR / "secret_key")
AUDIT_HMAC_KEY = secret_from_env_or_file("RCMDESK_AUDIT_KEY", VAR_DIR / "audit_key")
# Trading-partner secrets are sealed under keys kept outside the database, like the audit
# key. Several keys, comma separated, newest first: the first seals, all of them open, so a
# key is rotated by putting a new one in front and running `rcmdesk connections rekey`.
CONNECTION_KEYS = secret_from_env_or_file("RCMDESK_CONNECTION_KEYS", VAR_DIR / "connection_keys")
# Signed audit checkpoints are also appended here, outside the database (rcmdesk.audit.checkpoints).
AUDIT_CHECKPOINT_FILE = VAR_DIR / "audit" / "checkpoints.jsonl"

DEBUG = env_bool("RCMDESK_DEBUG", default=False)
# Plain HTTP is tolerated only for the loopback demo (`make run`); `rcmdesk serve` refuses
# to bind anything but loopback when this is off.
HTTPS = env_bool("RCMDESK_HTTPS", default=True)
ALLOWED_HOSTS = os.environ.get("RCMDESK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("RCMDESK_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "django_tasks_db",
    "ninja",
    "rcmdesk.accounts",
    "rcmdesk.tenancy",
    "rcmdesk.audit",
    "rcmdesk.claims",
    "rcmdesk.intake",
    "rcmdesk.remits",
    "rcmdesk.playbooks",
    "rcmdesk.workqueue",
    "rcmdesk.denials",
    "rcmdesk.arfollowup",
    "rcmdesk.eligibility",
    "rcmdesk.priorauth",
    "rcmdesk.charges",
    "rcmdesk.scrubber",
    "rcmdesk.submission",
    "rcmdesk.decisions",
    "rcmdesk.attachments",
    "rcmdesk.escalations",
    "rcmdesk.qa",
    "rcmdesk.reports",
    "rcmdesk.capacity",
    "rcmdesk.connectivity",
    "rcmdesk.scheduler",
    "rcmdesk.systemaccess",
    "rcmdesk.engagements",
    "rcmdesk.servicelevels",
    "rcmdesk.contracts",
    "rcmdesk.assessments",
    "rcmdesk.web",
    "rcmdesk.api",
]

MIDDLEWARE = [
    "rcmdesk.web.timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rcmdesk.web.middleware.RequestContextMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "rcmdesk.web.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rcmdesk.web.middleware.RejectedSessionMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "rcmdesk.accounts.middleware.SessionTimeoutMiddleware",
    "rcmdesk.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "rcmdesk.web.middleware.DomainErrorMiddleware",
    # innermost, so the page it draws for a bare refusal still gets CSP and the other headers
    "rcmdesk.web.errors.BarePageErrorMiddleware",
]

ROOT_URLCONF = "rcmdesk.urls"
WSGI_APPLICATION = "rcmdesk.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rcmdesk.web.context.nav",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rcmdesk.sqlite3'}"),
        conn_max_age=env_int("RCMDESK_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # IMMEDIATE makes every write transaction take the lock up front, which serialises the
    # audit hash chain and queue claims on SQLite the way row locks do on PostgreSQL.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # Test runs set RCMDESK_SQLITE_SYNC=OFF: their database is thrown away anyway.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous="
        + os.environ.get("RCMDESK_SQLITE_SYNC", "NORMAL") + ";",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file, not shared-cache memory: concurrent writers then wait on the lock as
    # they do in production instead of failing with "table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-rcmdesk.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("RCMDESK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "ingest", "reports"],
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rcmdesk.accounts.backends.ActiveUserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# A refused form says so plainly; the reason stays out of the page.
CSRF_FAILURE_VIEW = "rcmdesk.accounts.views.csrf_failure"

# Lockout after repeated failures, per username and IP together so one attacker cannot
# lock every account from one address and cannot spray one account from many.
AXES_FAILURE_LIMIT = env_int("RCMDESK_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("RCMDESK_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_LOCKOUT_CALLABLE = "rcmdesk.accounts.views.locked_out"
AXES_VERBOSE = False

# Idle logoff and absolute lifetime, enforced by SessionTimeoutMiddleware.
RCMDESK_IDLE_TIMEOUT = timedelta(minutes=env_int("RCMDESK_IDLE_MINUTES", 15))
RCMDESK_SESSION_LIFETIME = timedelta(hours=env_int("RCMDESK_SESSION_HOURS", 12))
# Caps on CSV and JSON from outside (rcmdesk.untrusted; THREAT_MODEL.md, "Caps on untrusted
# input"): longer cells, deeper nesting and longer numbers are refused, naming where.
RCMDESK_MAX_CSV_CELL_CHARS = env_int("RCMDESK_MAX_CSV_CELL_CHARS", Limits.csv_cell_chars)
RCMDESK_MAX_JSON_DEPTH = env_int("RCMDESK_MAX_JSON_DEPTH", Limits.json_depth)
RCMDESK_MAX_JSON_NUMBER_DIGITS = env_int("RCMDESK_MAX_JSON_NUMBER_DIGITS",
                                         Limits.json_number_digits)
# Largest upload accepted on every path (X12, charge, visit and deposit files; pages and API),
# refused before it is read: rcmdesk/uploads.py.
RCMDESK_MAX_UPLOAD_BYTES = max(1, env_int("RCMDESK_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
# Attached documents (rcmdesk.attachments): on disk under the var dir, never under static,
# one file per client and sha256, served only as downloads.
RCMDESK_ATTACHMENTS_DIR = VAR_DIR / "attachments"
# Eligibility items open this many days before a visit (rcmdesk.eligibility.producer).
RCMDESK_ELIGIBILITY_LEAD_DAYS = env_int("RCMDESK_ELIGIBILITY_LEAD_DAYS", 3)
# An 837 sent without its 999 after this long becomes a transmission work item
# (rcmdesk.submission.overdue; CORE batch rule: the 999 comes within one hour).
RCMDESK_ACK_999_EXPECTED_MINUTES = max(1, env_int("RCMDESK_ACK_999_EXPECTED_MINUTES", 60))
# Problems kept per received file: past this many, checking stops and the file is
# quarantined with the first ones listed, so a small file of repeated bad segments costs
# neither memory nor database space in proportion to its problems (issue 15).
RCMDESK_MAX_FINDINGS = max(1, env_int("RCMDESK_MAX_FINDINGS", 200))
# ``rcmdesk watch`` takes a file only once its size and modification time have stood still
# this long: a copy still being written would be quarantined truncated (issue 15).
RCMDESK_WATCH_SETTLE_SECONDS = max(0, env_int("RCMDESK_WATCH_SETTLE_SECONDS", 10))
# A process applying a received file holds a lease on it and renews it as it works; a lease
# not renewed for this long is stale and the worker's sweep takes the file over
# (rcmdesk.intake.lease, rcmdesk.intake.recovery). Longer than the slowest single step (the
# parse of the largest file, or its largest transaction set), short enough to recover soon.
RCMDESK_INGEST_LEASE_SECONDS = env_int("RCMDESK_INGEST_LEASE_SECONDS", 300)
# A file whose processing stopped this many times is failed for a person, not tried again.
RCMDESK_INGEST_MAX_RECOVERIES = env_int("RCMDESK_INGEST_MAX_RECOVERIES", 5)
# The scheduler inside ``rcmdesk worker`` (rcmdesk.scheduler): off with RCMDESK_SCHEDULER=off
# (a second worker on the same database needs none: the leases keep runs single anyway).
RCMDESK_SCHEDULER = env_bool("RCMDESK_SCHEDULER", True)
# Seconds between two looks for due schedules; a job's lease (seconds), past which a run whose
# worker died is given up and the schedule may run again.
RCMDESK_SCHEDULER_TICK = max(1, env_int("RCMDESK_SCHEDULER_TICK", 15))
RCMDESK_SCHEDULER_LEASE = max(60, env_int("RCMDESK_SCHEDULER_LEASE_SECONDS", 1800))
# Days a finished run is kept: every-minute jobs (sending, polling) write 1,440 rows a day per
# client each, so older succeeded runs are pruned nightly; failed runs are kept.
RCMDESK_SCHEDULER_KEEP_DAYS = max(1, env_int("RCMDESK_SCHEDULER_KEEP_DAYS", 30))
# The deepest row a list route of the API pages to (?offset=); past it, narrow the list
# with filters. Keeps a huge offset a clear 422 rather than a database overflow.
RCMDESK_API_MAX_OFFSET = env_int("RCMDESK_API_MAX_OFFSET", 1_000_000)
SESSION_COOKIE_AGE = int(RCMDESK_SESSION_LIFETIME.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_NAME = "rcmdesk_session"
CSRF_COOKIE_NAME = "rcmdesk_csrf"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

OTP_TOTP_ISSUER = "rcmdesk"
OTP_TOTP_THROTTLE_FACTOR = 1

# Mail goes to files under ./var/mail unless a real backend is configured.
MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "RCMDESK_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
        ),
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("RCMDESK_FROM_EMAIL", "rcmdesk@localhost")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RCMDESK_LOG_LEVEL", "WARNING")},
}
