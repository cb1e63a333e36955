"""Django settings for ddgov, read from the environment (and an optional ``.env`` file).

Every value has an embedded default so that ``make run`` works on a fresh machine with SQLite
and a local lake folder; production sets ``DATABASE_URL`` to PostgreSQL and ``DDGOV_*``
variables as documented in ``.env.example``.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent

env = environ.Env()
_dotenv = Path(env.str("DDGOV_ENV_FILE", default=str(PROJECT_DIR / ".env")))
if _dotenv.is_file():
    environ.Env.read_env(str(_dotenv))

VAR_DIR = Path(env.str("DDGOV_VAR_DIR", default=str(PROJECT_DIR / "var")))
LAKE_DIR = Path(env.str("DDGOV_LAKE_DIR", default=str(VAR_DIR / "lake")))
# The lake's durable copy in an S3-compatible store (docs/lake-storage.md): s3://bucket/prefix.
# Empty keeps the lake in LAKE_DIR only; set, LAKE_DIR is the work area and a read-through cache.
DDGOV_LAKE_URL = env.str("DDGOV_LAKE_URL", default="")
DDGOV_LAKE_S3_ENDPOINT_URL = env.str("DDGOV_LAKE_S3_ENDPOINT_URL", default="")
DDGOV_LAKE_S3_REGION = env.str("DDGOV_LAKE_S3_REGION", default="")
DDGOV_LAKE_S3_ADDRESSING = env.str("DDGOV_LAKE_S3_ADDRESSING", default="")
DDGOV_LAKE_S3_ACCESS_KEY_ID = env.str("DDGOV_LAKE_S3_ACCESS_KEY_ID", default="")
DDGOV_LAKE_S3_SECRET_ACCESS_KEY = env.str("DDGOV_LAKE_S3_SECRET_ACCESS_KEY", default="")
SHARED_DATA_DIR = Path(
    env.str("DDGOV_SHARED_DATA", default=str(PROJECT_DIR.parent / "shared" / "data"))
)

DEBUG = env.bool("DDGOV_DEBUG", default=False)


def _secret_key() -> str:
    """Return the configured key, or one kept in ``var/`` so sessions survive restarts."""
    configured = env.str("DDGOV_SECRET_KEY", default="")
    if configured:
        return configured
    key_file = VAR_DIR / "secret_key"
    if key_file.is_file():
        return key_file.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(50)
    try:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key, encoding="utf-8")
        key_file.chmod(0o600)
    except OSError:
        pass
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("DDGOV_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DDGOV_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "oauth2_provider",
    "ddgov.core",
    "ddgov.audit",
    "ddgov.agencies",
    "ddgov.identity",
    "ddgov.portal",
    "ddgov.jobs",
    "ddgov.lake",
    "ddgov.catalog",
    "ddgov.governance",
    "ddgov.analytics",
    "ddgov.exchange",
    "ddgov.complaints",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ddgov.core.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ddgov.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "ddgov.urls"
WSGI_APPLICATION = "ddgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ddgov.core.context_processors.platform",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'ddgov.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and a seeding command share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DDGOV_DB_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DDGOV_TIME_ZONE", default="Asia/Bangkok")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("DDGOV_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# One ID: ddgov is an OpenID Connect provider for agency systems.
OIDC_KEY_FILE = Path(env.str("DDGOV_OIDC_KEY_FILE", default=str(VAR_DIR / "oidc_rsa.pem")))


def _oidc_private_key() -> str:
    from ddgov.identity.oidc_keys import oidc_key_load  # noqa: PLC0415

    return oidc_key_load(path=OIDC_KEY_FILE)


# Named explicitly so apps that point at One ID clients get a migration dependency on DOT.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _oidc_private_key(),
    "OIDC_ISS_ENDPOINT": env.str("DDGOV_OIDC_ISSUER", default=""),
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,  # S256 only
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_VALIDATOR_CLASS": "ddgov.identity.oidc.OneIdValidator",
    "SCOPES": {
        "openid": "OpenID Connect sign-in",
        "profile": "Name and preferred language",
        "email": "E-mail address",
        "thai_id": "13-digit citizen ID",
        "agencies": "Agency memberships and roles",
        "read": "Read access to APIs",
        "write": "Write access to APIs",
    },
    "DEFAULT_SCOPES": ["openid"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("DDGOV_ACCESS_TOKEN_SECONDS", default=3600),
    "ALLOWED_REDIRECT_URI_SCHEMES": env.list(
        "DDGOV_OIDC_REDIRECT_SCHEMES", default=["https", "http"]
    ),
}

# Background jobs run in `ddgov worker`; eager mode runs them in-process after commit (tests).
DDGOV_JOBS_EAGER = env.bool("DDGOV_JOBS_EAGER", default=False)

DDGOV_DEMO_PASSWORD = env.str("DDGOV_DEMO_PASSWORD", default="ddgov-demo-2569")

# The DuckDB SQL sandbox (ddgov.lake.sandbox) and the DataStore: limits per query.
DDGOV_SANDBOX_TIMEOUT_S = env.float("DDGOV_SANDBOX_TIMEOUT_S", default=10.0)
DDGOV_SANDBOX_MEMORY_MB = env.int("DDGOV_SANDBOX_MEMORY_MB", default=512)
DDGOV_SANDBOX_THREADS = env.int("DDGOV_SANDBOX_THREADS", default=2)
DDGOV_SANDBOX_MAX_ROWS = env.int("DDGOV_SANDBOX_MAX_ROWS", default=10000)
DDGOV_SANDBOX_TEMP_MB = env.int("DDGOV_SANDBOX_TEMP_MB", default=1024)
# CKAN's datastore_search_sql is off for anonymous callers unless this is true.
# Analytics engine layer (see docs/analytics-engine.md): "duckdb" (default, in-process) or "spark".
DDGOV_ENGINE = env.str("DDGOV_ENGINE", default="duckdb")
DDGOV_SPARK_MASTER = env.str("DDGOV_SPARK_MASTER", default="local[*]")
DDGOV_SPARK_DRIVER_MEMORY = env.str("DDGOV_SPARK_DRIVER_MEMORY", default="2g")
# Aggregates over personal data for users without the right need at least this many records per group.
DDGOV_ANALYTICS_MIN_GROUP = env.int("DDGOV_ANALYTICS_MIN_GROUP", default=5)
DDGOV_ANALYTICS_EXPORT_MAX_ROWS = env.int("DDGOV_ANALYTICS_EXPORT_MAX_ROWS", default=1_000_000)

# Government Data Exchange (docs/exchange.md).
DDGOV_EXCHANGE_INSTANCE = env.str("DDGOV_EXCHANGE_INSTANCE", default="TH")
# Name of this gateway node in the message log's stream names (default: the host name).
DDGOV_EXCHANGE_NODE = env.str("DDGOV_EXCHANGE_NODE", default="")
DDGOV_EXCHANGE_SIGNING_KEY_FILE = Path(
    env.str("DDGOV_EXCHANGE_SIGNING_KEY_FILE", default=str(VAR_DIR / "exchange_ed25519.pem"))
)
# Public keys (PEM files) of retired signing keys, so old records still verify.
DDGOV_EXCHANGE_TRUSTED_KEY_FILES = env.list("DDGOV_EXCHANGE_TRUSTED_KEY_FILES", default=[])
DDGOV_EXCHANGE_LOG_RETENTION_DAYS = env.int("DDGOV_EXCHANGE_LOG_RETENTION_DAYS", default=365)
DDGOV_EXCHANGE_CHECKPOINT_SECONDS = env.int("DDGOV_EXCHANGE_CHECKPOINT_SECONDS", default=60)
DDGOV_EXCHANGE_RATE_PER_MINUTE = env.int("DDGOV_EXCHANGE_RATE_PER_MINUTE", default=6000)
DDGOV_EXCHANGE_MAX_REQUEST_BYTES = env.int("DDGOV_EXCHANGE_MAX_REQUEST_BYTES", default=1_048_576)
DDGOV_EXCHANGE_MAX_RESPONSE_BYTES = env.int("DDGOV_EXCHANGE_MAX_RESPONSE_BYTES", default=10_485_760)
DDGOV_EXCHANGE_TIMEOUT_MS = env.int("DDGOV_EXCHANGE_TIMEOUT_MS", default=10_000)
# Threads of each gateway process that read the registry, tokens, grants and consents; they keep
# their database connections open between calls (budget workers x (threads + 3) connections).
DDGOV_EXCHANGE_DB_THREADS = env.int("DDGOV_EXCHANGE_DB_THREADS", default=8)
# Plain-http provider URLs are refused unless they point at loopback and this is true (dev, tests).
DDGOV_EXCHANGE_ALLOW_HTTP_LOOPBACK = env.bool("DDGOV_EXCHANGE_ALLOW_HTTP_LOOPBACK", default=DEBUG)

# Public complaint classification API: calls per minute per client IP (per server process).
COMPLAINTS_CLASSIFY_RATE_PER_MINUTE = env.int("COMPLAINTS_CLASSIFY_RATE_PER_MINUTE", default=30)
# Mail never leaves the machine unless configured: by default messages are files in var/mail.
_MAIL_BACKEND = env.str(
    "DDGOV_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
)
MAILERS = {
    "default": {
        "BACKEND": _MAIL_BACKEND,
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")} if "filebased" in _MAIL_BACKEND else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("DDGOV_FROM_EMAIL", default="1111@ddgov.local")
# Absolute links in notifications (e.g. https://ddgov.example.go.th); relative when empty.
DDGOV_BASE_URL = env.str("DDGOV_BASE_URL", default="")
# The 1111 centre: its officers triage and forward every complaint (docs/complaints.md).
COMPLAINTS_CENTRE_AGENCY = env.str("COMPLAINTS_CENTRE_AGENCY", default="opm-ops")
# A classifier guess below this score leaves the category empty for the centre to set.
COMPLAINTS_CATEGORY_MIN_SCORE = env.float("COMPLAINTS_CATEGORY_MIN_SCORE", default=0.3)
COMPLAINTS_PHOTO_MAX_BYTES = env.int("COMPLAINTS_PHOTO_MAX_BYTES", default=10 * 1024 * 1024)
COMPLAINTS_PHOTO_MAX_COUNT = env.int("COMPLAINTS_PHOTO_MAX_COUNT", default=5)
# Resolution time for categories without their own SLA row (15 days).
COMPLAINTS_SLA_DEFAULT_HOURS = env.int("COMPLAINTS_SLA_DEFAULT_HOURS", default=24 * 15)
# channel -> backend class; e-mail uses Django's mail backend, SMS/LINE log until configured.
COMPLAINTS_NOTIFY_BACKENDS = env.dict("COMPLAINTS_NOTIFY_BACKENDS", default={})
# Open311 submissions per minute per API key (per server process).
COMPLAINTS_OPEN311_RATE_PER_MINUTE = env.int("COMPLAINTS_OPEN311_RATE_PER_MINUTE", default=120)

DDGOV_SEARCH_BACKEND = env.str("DDGOV_SEARCH_BACKEND", default="embedded")
DDGOV_DATASTORE_SQL_ANONYMOUS = env.bool("DDGOV_DATASTORE_SQL_ANONYMOUS", default=False)
# Ordered DuckDB copies of big tables for fast DataStore paging and sorting (docs/catalog-datastore.md).
DDGOV_DATASTORE_COPY_MIN_ROWS = env.int("DDGOV_DATASTORE_COPY_MIN_ROWS", default=1_000_000)
DDGOV_DATASTORE_SORT_COPIES = env.int("DDGOV_DATASTORE_SORT_COPIES", default=4)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DDGOV_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
