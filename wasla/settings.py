"""Wasla settings, read from the environment.

Development (`make run`) sets WASLA_DEBUG=1 and keeps its secret under var/. Production
sets at least WASLA_SECRET_KEY, WASLA_ALLOWED_HOSTS and DATABASE_URL; see docs/deployment.md.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("WASLA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("WASLA_DEBUG")
TESTING = env_bool("WASLA_TESTING")

SECRET_KEY = os.environ.get("WASLA_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise RuntimeError("WASLA_SECRET_KEY must be set when WASLA_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-used-in-production-" + "x" * 20

# Keys the pseudonyms of exported records; kept apart from SECRET_KEY so that rotating one does
# not change the other. Shared with no one.
WASLA_PSEUDONYM_KEY = os.environ.get("WASLA_PSEUDONYM_KEY", SECRET_KEY)

ALLOWED_HOSTS = env_list("WASLA_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
# The address citizens reach Wasla at, for links sent by SMS or email (rating, tracking).
WASLA_PUBLIC_URL = os.environ.get("WASLA_PUBLIC_URL", "http://127.0.0.1:8000")
CSRF_TRUSTED_ORIGINS = env_list("WASLA_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "wasla.core",
    "wasla.territories",
    "wasla.organisations",
    "wasla.accounts",
    "wasla.people",
    "wasla.cases",
    "wasla.citizen_spaces",
    "wasla.planning",
    "wasla.dashboards",
    "wasla.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wasla.core.middleware.WaslaLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

if not (DEBUG or TESTING):
    # Production serves the collected static files itself; development uses Django's finders.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "wasla.urls"
WSGI_APPLICATION = "wasla.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wasla.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'wasla.sqlite3'}",
        conn_max_age=int(os.environ.get("WASLA_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the task worker share the file: wait for a lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every web worker: the public pages' rate limits count per client across workers.
# The table is made by `manage.py createcachetable` (make run and the test runner do it).
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "WASLA_CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"
        ),
        "LOCATION": os.environ.get("WASLA_CACHE_LOCATION", "wasla_cache"),
    }
}
# Multiplies every public rate limit (docs/security.md); the load benchmark raises it because
# its fifty simulated citizens all come from one address.
RATE_LIMIT_SCALE = float(os.environ.get("WASLA_RATE_LIMIT_SCALE", "1"))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is slow on purpose; tests that check hashing ask for it explicitly.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "core:home"

# Lockout after repeated failures, counted per username and address together so that
# one attacker cannot lock every account from one place nor one account from many.
AXES_FAILURE_LIMIT = int(os.environ.get("WASLA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("WASLA_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

OTP_TOTP_ISSUER = "Wasla"

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", "العربية"), ("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "wasla" / "locale"]
LANGUAGE_COOKIE_NAME = "wasla_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Africa/Tunis"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("WASLA_STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("WASLA_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
# Personal documents: never under STATIC_ROOT or MEDIA_ROOT, served only through a permission check.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("WASLA_PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
DOCUMENT_MAX_BYTES = int(os.environ.get("WASLA_DOCUMENT_MAX_BYTES", str(5 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields; files are limited by DOCUMENT_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

EMAIL_BACKEND = os.environ.get(
    "WASLA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("WASLA_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("WASLA_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("WASLA_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("WASLA_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("WASLA_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("WASLA_FROM_EMAIL", "Wasla <no-reply@wasla.tn>")

# Record linkage backend for the registry's linkage runs: "duckdb" (one machine) or "spark"
# (a cluster; pyspark must be installed). docs/duplicates.md, docs/record-linkage.md.
WASLA_LINKAGE_BACKEND = os.environ.get("WASLA_LINKAGE_BACKEND", "duckdb")

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "WASLA_TASK_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default"],
    }
}

# Security headers. The secure-cookie and HTTPS settings follow DEBUG so that
# `manage.py check --deploy` is clean in production and `make run` works over plain HTTP.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("WASLA_SESSION_SECONDS", str(8 * 3600)))
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not (DEBUG or TESTING)
CSRF_COOKIE_SECURE = not (DEBUG or TESTING)
LANGUAGE_COOKIE_SECURE = not (DEBUG or TESTING)
SECURE_SSL_REDIRECT = env_bool("WASLA_SSL_REDIRECT", default=not (DEBUG or TESTING))
SECURE_HSTS_SECONDS = int(
    os.environ.get("WASLA_HSTS_SECONDS", "0" if DEBUG or TESTING else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("WASLA_HSTS_PRELOAD", default=not (DEBUG or TESTING))
if env_bool("WASLA_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Only Wasla's own origin: no CDN, no web font, no map tile from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

REST_FRAMEWORK = {
    # Token first, so that an anonymous call gets 401 with a WWW-Authenticate challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "wasla.core.rest.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": "10/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wasla API",
    "DESCRIPTION": _(
        "Territories, organisations, offices and the signed-in user. "
        "Authenticate with a session or with `Authorization: Token <key>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set, so that clients see e.g. CaseStageEnum rather than Status54aEnum.
    "ENUM_NAME_OVERRIDES": {
        "CaseStageEnum": "wasla.cases.models.Stage",
        "ServiceRequestStageEnum": "wasla.citizen_spaces.models.Stage",
        "ServiceRequestChannelEnum": "wasla.citizen_spaces.models.ServiceRequest.Channel",
        "RequestContactChannelEnum": "wasla.citizen_spaces.models.ContactChannel",
        "ContactChannelEnum": "wasla.people.models.Person.ContactChannel",
        "TicketStatusEnum": "wasla.citizen_spaces.models.Ticket.Status",
        "PlanActionKindEnum": "wasla.cases.models.PlanAction.Kind",
        "PlanActionStatusEnum": "wasla.cases.models.PlanAction.Status",
        "ReferralStatusEnum": "wasla.cases.models.Referral.Status",
        "SupportKindEnum": "wasla.cases.models.SupportEntry.Kind",
        "MigrationEpisodeKindEnum": "wasla.people.models.MigrationEpisode.Kind",
        "OfficeKindEnum": "wasla.organisations.models.Office.Kind",
        "OrganisationKindEnum": "wasla.organisations.models.Organisation.Kind",
        "CaseEventKindEnum": "wasla.cases.models.CaseEvent.Kind",
        "PersonDocumentKindEnum": "wasla.people.models.PersonDocument.Kind",
        "LanguageEnum": LANGUAGES,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("WASLA_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Outbound SMS and email (wasla.core.messaging); see docs/messaging.md.
SMS_BACKEND = os.environ.get("WASLA_SMS_BACKEND", "wasla.core.sms.ConsoleSmsBackend")
if TESTING:
    SMS_BACKEND = "wasla.core.sms.LocmemSmsBackend"
SMS_FILE_PATH = Path(os.environ.get("WASLA_SMS_FILE_PATH", VAR_DIR / "sms.log"))
SMS_GATEWAY_URL = os.environ.get("WASLA_SMS_GATEWAY_URL", "")
SMS_GATEWAY_KEY = os.environ.get("WASLA_SMS_GATEWAY_KEY", "")
SMS_GATEWAY_TIMEOUT = float(os.environ.get("WASLA_SMS_GATEWAY_TIMEOUT", "10"))
SMS_SENDER = os.environ.get("WASLA_SMS_SENDER", "Wasla")
MESSAGE_MAX_ATTEMPTS = int(os.environ.get("WASLA_MESSAGE_MAX_ATTEMPTS", "5"))
# The first retry waits this long; each later one twice as long as the one before.
MESSAGE_RETRY_DELAY_SECONDS = int(os.environ.get("WASLA_MESSAGE_RETRY_DELAY_SECONDS", "60"))
