"""Settings of the ANVT portal, read from the environment.

Every variable has a working development default except the production secrets: with DEBUG off,
a missing DJANGO_SECRET_KEY stops the start-up with a clear message. Each variable NAME may also be
given as NAME_FILE, the path of a file holding the value (container secrets). README.md lists them.
"""

import json
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from kombu import Queue
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    """The variable NAME, or the content of the file named by NAME_FILE, or default."""
    if path := os.environ.get(f"{name}_FILE"):
        return Path(path).read_text().strip()
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env(name)
    try:
        return default if value is None else int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DEBUG is off "
            "(set DJANGO_DEBUG=1 for development, or give a long random DJANGO_SECRET_KEY)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The portal's public address: every link in an e-mail or SMS starts with it (never the host a
# request happened to come in on). Production must give its own https address (checked below).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not DEBUG:
    from urllib.parse import urlsplit

    _site = urlsplit(SITE_URL)
    if not env("SITE_URL") or _site.scheme != "https" or _site.path or not _site.hostname:
        raise ImproperlyConfigured(
            "SITE_URL is required when DEBUG is off: the portal's public https address, without "
            "a path (e.g. https://vir.anvt.tg). Every link in e-mails and SMS starts with it."
        )
    if not any(
        host == _site.hostname or (host.startswith(".") and _site.hostname.endswith(host))
        for host in ALLOWED_HOSTS
    ):
        raise ImproperlyConfigured(
            f"SITE_URL's host {_site.hostname!r} must be one of DJANGO_ALLOWED_HOSTS."
        )
SITE_NAME = env("SITE_NAME", "Volontariat International de Réciprocité — ANVT")
# Adds /bench/bare/, a view that does nothing, as the baseline of the HTTP benchmark.
BENCHMARK_VIEWS = env_bool("ANVT_BENCHMARK_VIEWS", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "anvt.staticfiles.StaticFilesConfig",
    "django.contrib.humanize",
    "django_filters",
    "django_countries",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "accounts",
    "volunteers",
    "partners",
    "missions",
    "mobility",
    "selection",
    "alumni",
    "reciprocity",
    "audit",
    "notifications",
    "staff",
    "volunteer_space",
    "partner_space",
    # The partner API (api/v1.py): its reference page's assets come from ninja's static files.
    "ninja",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    "accounts.devices.KnownDeviceMiddleware",
    "api.middleware.ApiCallLog",
]

ROOT_URLCONF = "anvt.urls"
WSGI_APPLICATION = "anvt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "notifications.context_processors.unread",
            ],
            "libraries": {"anvt": "anvt.templatetags"},
        },
    },
]

# Database: PostgreSQL from DATABASE_URL, else an SQLite file inside the project.
if not env("DATABASE_URL"):
    (BASE_DIR / "var").mkdir(exist_ok=True)
# DATABASE_POOL_SIZE > 0 (PostgreSQL only): each process keeps a pool of that many connections
# at most (Django's own pool, psycopg_pool), for threaded servers and workers; else each thread
# keeps its connection for DATABASE_CONN_MAX_AGE seconds. docs/scaling.md says when to use which.
DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 0)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=0 if DATABASE_POOL_SIZE else env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=not DATABASE_POOL_SIZE,
    )
}
# Behind PgBouncer in transaction mode, Django's server-side cursors (iterator()) must be off.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS", False
)
if DATABASE_POOL_SIZE and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_SIZE,
        # A request waits this long for a free connection, then fails rather than hang.
        "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every web process: rate limits, locks), else
# local memory, which is only right for a single process.
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Public pages kept for anonymous visitors at most this long (anvt/public_cache.py); they are
# dropped sooner when what they show changes.
# Only with a shared cache (REDIS_URL): a per-process cache would drop pages in one process only.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 300 if (REDIS_URL or DEBUG) else 0)
# Sessions live in the database: any web process can serve any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Staff and partner coordinators are logged out after an idle hour (accounts/middleware.py).
STAFF_IDLE_SECONDS = env_int("STAFF_IDLE_SECONDS", 60 * 60)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail is the login, verification is mandatory, nothing reveals whether an
# address is registered, failed logins are limited per account.
# The account keeps its sign-up language and gets a welcome message (accounts/adapter.py).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# Account e-mails go through the outbox, which writes to accounts; an address with no account
# gets no "unknown account" e-mail (the page answers the same either way).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Confirming the address signs the person in (in the browser she signed up in) and takes her to
# her space, where the welcome message waits (accounts/signals.py).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# A changed password or address is told to the account's address (shared addresses are common).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ANVT] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
LOGIN_FAILURES_LIMIT = env_int("LOGIN_FAILURES_LIMIT", 5)
LOGIN_FAILURES_WINDOW_SECONDS = env_int("LOGIN_FAILURES_WINDOW_SECONDS", 15 * 60)
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"20/m/ip,{LOGIN_FAILURES_LIMIT}/{LOGIN_FAILURES_WINDOW_SECONDS}s/key",
}
# The owner's way in while their account is locked by someone else's failed attempts: a one-time
# code by e-mail (and their known devices, accounts.devices).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# How long a staff or partner invitation link stays valid (accounts/invitations.py).
INVITATION_MAX_AGE_SECONDS = env_int("INVITATION_MAX_AGE_DAYS", 7) * 86400
# Behind the compose file's TLS proxy every client would share the proxy's address: the number
# of proxies in front sets which X-Forwarded-For entry is the client's (rate limits per client).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "accounts.mfa.MFAAdapter"
# Fernet keys that encrypt two-factor secrets at rest, newest first (accounts/mfa.py; README
# says how to rotate them). Required in production, like the secret key.
MFA_ENCRYPTION_KEYS = env_list("MFA_ENCRYPTION_KEYS")
if not MFA_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "MFA_ENCRYPTION_KEYS is required when DEBUG is off: generate one with python -c "
            "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        )
    MFA_ENCRYPTION_KEYS = ["ZGV2LW9ubHktbWZhLWtleS1uZXZlci1pbi1wcm9kISE="]  # DEBUG only
MFA_TOTP_ISSUER = "ANVT"

# Internationalisation: French first, English complete, Lomé time.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["anvt.formats"]
TIME_ZONE = "Africa/Lome"
USE_I18N = True
USE_TZ = True

# Static files are served by the application itself (WhiteNoise), compressed and fingerprinted.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded files are private: kept outside the web root and served only by views that check
# rights. PRIVATE_STORAGE_BACKEND and PRIVATE_STORAGE_OPTIONS (JSON) swap in an object store,
# e.g. storages.backends.s3.S3Storage with {"bucket_name": "..."}.
PRIVATE_ROOT = Path(env("PRIVATE_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {
        "BACKEND": env("PRIVATE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(env("PRIVATE_STORAGE_OPTIONS", "null"))
        or {"location": str(PRIVATE_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# Source maps (the API reference page's) are for developers: served, never compressed.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o640

# E-mail: SMTP when EMAIL_HOST is set, else printed on the console.
_email_host = env("EMAIL_HOST")
_email_file_path = env("EMAIL_FILE_PATH")  # e-mails written to files (staging, fault tests)
MAILERS = {
    "default": (
        {
            "BACKEND": env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"),
            "OPTIONS": {"file_path": _email_file_path},
        }
        if _email_file_path
        else {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 587),
                "username": env("EMAIL_HOST_USER", ""),
                "password": env("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": env_int("EMAIL_TIMEOUT", 20),
            },
        }
        if _email_host
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "ANVT <no-reply@anvt.tg>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Notifications: the outbox is delivered by these channel backends (an SMS gateway is added by
# naming its class here); failures are retried with exponential back-off, then marked failed.
NOTIFICATION_BACKENDS = {
    "email": "notifications.backends.EmailBackend",
    "sms": env("NOTIFICATION_SMS_BACKEND", "notifications.backends.ConsoleSmsBackend"),
    "webhook": "notifications.backends.WebhookBackend",
}
# The partner API (api/): requests per key and period, and the largest body it reads (a report
# with its file may be as large as an upload, plus its text).
# "off" for none (the benchmark of the API itself).
API_RATE_LIMIT = "" if env("API_RATE_LIMIT") == "off" else env("API_RATE_LIMIT", "300/min")
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 64 * 1024)
API_MAX_UPLOAD_BYTES = UPLOAD_MAX_BYTES + 64 * 1024
# Webhooks to partners' systems (notifications/webhooks.py): how long to wait for an answer, and
# the hosts allowed although private (none in production; a test receiver on 127.0.0.1).
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10)
# Attempts before a delivery is marked failed (the partner may send it again from its page).
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 10)
WEBHOOK_ALLOWED_PRIVATE_HOSTS = env_list(
    "WEBHOOK_ALLOWED_PRIVATE_HOSTS", "127.0.0.1,localhost" if DEBUG else ""
)
# SMS: the console backend logs them; notifications.backends.HttpSmsBackend talks to a real
# provider at SMS_GATEWAY_URL with SMS_GATEWAY_KEY. The provider signs its webhooks (inbound
# messages, delivery receipts) with SMS_WEBHOOK_SECRET (notifications/sms.py).
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", "")
SMS_GATEWAY_KEY = env("SMS_GATEWAY_KEY", "")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10)
SMS_WEBHOOK_SECRET = env("SMS_WEBHOOK_SECRET", "")
SMS_SENDER = env("SMS_SENDER", "ANVT")
if not DEBUG and NOTIFICATION_BACKENDS["sms"].endswith("HttpSmsBackend"):
    _missing = [
        name
        for name in ("SMS_GATEWAY_URL", "SMS_GATEWAY_KEY", "SMS_WEBHOOK_SECRET")
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"The HTTP SMS gateway needs {', '.join(_missing)} (README, 'SMS')."
        )
# SMS are offered to volunteers (numbers, codes, choices) only where they can be delivered: in
# development (the console shows them), or with a real gateway. Production with the console
# backend offers none, so that no code is ever written to the logs instead of a phone.
SMS_ENABLED = env_bool(
    "SMS_ENABLED", DEBUG or not NOTIFICATION_BACKENDS["sms"].endswith("ConsoleSmsBackend")
)
# The portal's number, which volunteers text "STATUT" to (shown on the preferences page).
# (DEBUG shows a demo number so that the page can be tried; production shows none until set.)
SMS_NUMBER = env("SMS_NUMBER", "+22890000099" if DEBUG else "")
# Status replies per number and hour; codes per account and day.
SMS_STATUS_PER_HOUR = env_int("SMS_STATUS_PER_HOUR", 3)
SMS_CODES_PER_DAY = env_int("SMS_CODES_PER_DAY", 5)
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 5)
NOTIFICATION_RETRY_BASE_SECONDS = float(env("NOTIFICATION_RETRY_BASE_SECONDS", "30"))
# Pending messages older than this are queued again by the periodic job (broker down, lost task).
NOTIFICATION_RESEND_AFTER_SECONDS = env_int("NOTIFICATION_RESEND_AFTER_SECONDS", 60)
# A message claimed by a worker for longer than this (worker killed) is released for another.
NOTIFICATION_STALE_CLAIM_SECONDS = env_int("NOTIFICATION_STALE_CLAIM_SECONDS", 45)

# A whole-call eligibility re-check with no sign of life for this long is taken over.
ELIGIBILITY_BATCH_STALE_SECONDS = env_int("ELIGIBILITY_BATCH_STALE_SECONDS", 60)
ELIGIBILITY_BATCH_CHUNK_SIZE = env_int("ELIGIBILITY_BATCH_CHUNK_SIZE", 500)

# Celery: a real broker when CELERY_BROKER_URL is set, else tasks run eagerly in-process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Eager tasks behave as a worker's would: errors are logged and retries run (a propagated error
# would end the retries of the first failure).
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# A broker that accepts connections but never answers must not hang anyone: every read and
# connection has a timeout (web requests publish in the background anyway, anvt/celery.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "socket_timeout": 5,
    "socket_connect_timeout": 3,
}
# Three queues, so that each kind of work can get workers of its own (docs/scaling.md): the
# eligibility checks, the messages, and the rest ("celery", Celery's default). A worker started
# without -Q consumes all three; production runs one worker per queue (docker-compose.yml).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue("eligibility"), Queue("notifications"))
CELERY_TASK_ROUTES = {
    "missions.tasks.check_application_eligibility": {"queue": "eligibility"},
    "missions.tasks.recheck_call": {"queue": "eligibility"},
    "missions.tasks.resume_stale_batches": {"queue": "eligibility"},
    "missions.tasks.recheck_open_calls": {"queue": "eligibility"},
    "missions.tasks.recheck_stuck_submissions": {"queue": "eligibility"},
    "notifications.tasks.*": {"queue": "notifications"},
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only once done; if its worker dies, the broker hands it to another.
# Tasks are therefore written to be idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 5 * 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 6 * 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up quickly when the broker is down: the outbox and the periodic jobs catch up.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
# Periodic jobs (celery beat), in Lomé time.
CELERY_BEAT_SCHEDULE = {
    "resend-pending-notifications": {
        "task": "notifications.tasks.resend_pending",
        "schedule": env_int("OUTBOX_SWEEP_SECONDS", 30),
    },
    "resume-stale-eligibility-batches": {
        "task": "missions.tasks.resume_stale_batches",
        "schedule": env_int("OUTBOX_SWEEP_SECONDS", 30),
    },
    "recheck-stuck-submissions": {
        "task": "missions.tasks.recheck_stuck_submissions",
        "schedule": 300.0,
    },
    "recheck-open-calls-nightly": {
        "task": "missions.tasks.recheck_open_calls",
        "schedule": crontab(hour=2, minute=15),
    },
    "daily-reminders": {
        "task": "missions.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    "mobility-digests": {
        "task": "mobility.tasks.mobility_digests",
        "schedule": crontab(hour=7, minute=45),
    },
    "placement-deadlines": {
        "task": "missions.tasks.placement_deadlines",
        "schedule": crontab(minute=5),
    },
    "alumni-follow-ups": {
        "task": "alumni.tasks.send_follow_ups",
        "schedule": crontab(hour=9, minute=0),
    },
    "document-retention-nightly": {
        "task": "alumni.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=10),
    },
}
# How long documents are kept once the volunteer's last application has closed or her mission
# has ended (alumni/retention.py), in days: identity documents 6 months by default, each other
# kind its own; RETENTION_DAYS_<KIND> (RETENTION_DAYS_PASSPORT=90…) sets one. She is told
# RETENTION_NOTICE_DAYS before.
_RETENTION_DEFAULTS = {
    "id_card": 183,
    "passport": 183,
    "criminal_record": 183,
    "medical_certificate": 365,
    "mobility": 365,
    "cv": 730,
    "motivation_letter": 730,
    "experience_certificate": 730,
    "other": 730,
}
DOCUMENT_RETENTION_DAYS = {
    kind: env_int(f"RETENTION_DAYS_{kind.upper()}", days)
    for kind, days in _RETENTION_DEFAULTS.items()
}
RETENTION_NOTICE_DAYS = env_int("RETENTION_NOTICE_DAYS", 14)
# A recorded departure, arrival or return may be corrected this many days after its recording.
PLACEMENT_DATE_CORRECTION_DAYS = env_int("PLACEMENT_DATE_CORRECTION_DAYS", 30)
# Whom volunteers and partners write to at ANVT (the placement page shows it).
ANVT_CONTACT_EMAIL = env("ANVT_CONTACT_EMAIL", "vir@anvt.tg")
ANVT_CONTACT_PHONE = env("ANVT_CONTACT_PHONE", "+228 22 21 00 00")

# Security. Development (DEBUG) serves plain HTTP; production defaults are strict.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Load balancers and container health checks probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Structured logs: one JSON object per line on standard output (LOG_FORMAT=plain for humans).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "anvt.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"redact": {"()": "anvt.logs.RedactSecrets"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", "plain" if DEBUG else "json"),
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
