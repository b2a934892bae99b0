"""Django settings, read from the environment through strict parsers.

Defaults are safe for a single machine: a SQLite database and generated keys
under ``var/``, DEBUG off. ``SPCOMMS_ENV=production`` turns on the checks that a
public deployment needs and refuses to start without a strong secret key.
See docs/deploy.md for every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from spcomms.core.env import (
    ConfigurationError,
    env_bool,
    env_choice,
    env_http_header,
    env_int,
    env_list,
)
from spcomms.core.secrets import is_weak_secret_key, read_or_create_secret

# Lets admin and queryset classes take type parameters at run time, as the stubs do.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("SPCOMMS_VAR_DIR", Path.cwd() / "var")).resolve()

SPCOMMS_ENV = env_choice("SPCOMMS_ENV", "local", ("local", "demo", "production"))
PRODUCTION = SPCOMMS_ENV == "production"
DEBUG = env_bool("SPCOMMS_DEBUG", SPCOMMS_ENV == "demo")
if PRODUCTION and DEBUG:
    raise ConfigurationError("SPCOMMS_DEBUG cannot be on when SPCOMMS_ENV=production.")

if "SPCOMMS_SECRET_KEY" in os.environ:
    SECRET_KEY = os.environ["SPCOMMS_SECRET_KEY"]
elif PRODUCTION:
    raise ConfigurationError(
        "SPCOMMS_SECRET_KEY is required in production; generate one with "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )
else:
    SECRET_KEY = read_or_create_secret(VAR_DIR / "keys" / "secret_key")
if PRODUCTION and is_weak_secret_key(SECRET_KEY):
    raise ConfigurationError("SPCOMMS_SECRET_KEY is too weak: use at least 50 random characters.")

SPCOMMS_KEY_DIR = Path(os.environ.get("SPCOMMS_KEY_DIR", VAR_DIR / "keys"))
SPCOMMS_MASTER_KEY = os.environ.get("SPCOMMS_MASTER_KEY") or None

ALLOWED_HOSTS = env_list(
    "SPCOMMS_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("SPCOMMS_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "spcomms.accounts.admin_apps.AdminConfig",  # django.contrib.admin, its site checked first
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "spcomms.accounts",
    "spcomms.audit",
    "spcomms.throttle",
    "spcomms.keys",
    "spcomms.reference",
    "spcomms.covariates",
    "spcomms.intake",
    "spcomms.cases",
    "spcomms.communications",
    "spcomms.followup",
    "spcomms.reprisals",
    "spcomms.visits",
    "spcomms.analysis",
    "spcomms.publication",
    "spcomms.demo",
    "spcomms.backup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "spcomms.core.headers.SecurityHeadersMiddleware",
    "spcomms.core.headers.PlainHttpApiRefusal",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After sessions, authentication and messages: ends expired sessions and holds a
    # signed-in account at the second step or at enrolment (spcomms.accounts.middleware).
    "spcomms.accounts.middleware.SignInMiddleware",
    # Logs each refused request by route and account, never by address (spcomms.core.refusals).
    "spcomms.core.refusals.RefusedRequestLog",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# One-time notices ("Your authenticator app is set up") travel in Django's signed cookie, named
# `__Host-messages` under TLS like the other cookies (spcomms.core.messages).
MESSAGE_STORAGE = "spcomms.core.messages.PrefixedFallbackStorage"

ROOT_URLCONF = "spcomms.urls"
WSGI_APPLICATION = "spcomms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "spcomms.demo.context.synthetic_label",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'spcomms.sqlite3'}"),
        conn_max_age=env_int("SPCOMMS_DB_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("SPCOMMS_TEST_SQLITE_NAME")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "publication:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Outside production, static files are served from the app folders (WhiteNoise finders).
STATIC_ROOT = VAR_DIR / "static" if PRODUCTION else None
MEDIA_ROOT = Path(os.environ.get("SPCOMMS_MEDIA_DIR", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Secure intake (docs/intake.md): sealed files outside every served folder, limits on
# what a source may send, how long a source's status page stays open, retention, and
# the per-client rate limits (counted in the cache, under a keyed hash of the address;
# behind a proxy, SPCOMMS_CLIENT_ADDRESS_HEADER names the client's address).
SPCOMMS_INTAKE_DIR = Path(os.environ.get("SPCOMMS_INTAKE_DIR", MEDIA_ROOT / "intake"))
SPCOMMS_INTAKE_MAX_FILE_BYTES = env_int("SPCOMMS_INTAKE_MAX_FILE_MB", 10, minimum=1) * 1_000_000
SPCOMMS_INTAKE_MAX_FILES = env_int("SPCOMMS_INTAKE_MAX_FILES", 5, minimum=1)
SPCOMMS_INTAKE_FILE_TYPES = env_list("SPCOMMS_INTAKE_FILE_TYPES", ["jpeg", "png", "pdf", "text"])
if not set(SPCOMMS_INTAKE_FILE_TYPES) <= {"jpeg", "png", "pdf", "text"}:
    raise ConfigurationError("SPCOMMS_INTAKE_FILE_TYPES may list only jpeg, png, pdf and text.")
SPCOMMS_INTAKE_RETENTION_DAYS = env_int("SPCOMMS_INTAKE_RETENTION_DAYS", 365, minimum=1)
SPCOMMS_INTAKE_STATUS_SECONDS = env_int("SPCOMMS_INTAKE_STATUS_SECONDS", 900, minimum=60)
SPCOMMS_INTAKE_DRAFT_SECONDS = env_int("SPCOMMS_INTAKE_DRAFT_SECONDS", 4 * 3600, minimum=600)
SPCOMMS_INTAKE_CODE_ATTEMPTS = env_int("SPCOMMS_INTAKE_CODE_ATTEMPTS", 5, minimum=1)
SPCOMMS_INTAKE_SUBMISSIONS = env_int("SPCOMMS_INTAKE_SUBMISSIONS", 5, minimum=1)
SPCOMMS_INTAKE_RATE_WINDOW_SECONDS = env_int("SPCOMMS_INTAKE_RATE_WINDOW_SECONDS", 900, minimum=60)

# Follow-up of each named person (docs/follow-up.md): the months after sending at which a
# follow-up falls due, and the days of grace before a due follow-up counts as overdue.
_followup_months = env_list("SPCOMMS_FOLLOWUP_MONTHS", ["3", "6", "12"])
if not _followup_months or not all(
    item.isdigit() and 1 <= int(item) <= 120 for item in _followup_months
):
    raise ConfigurationError(
        "SPCOMMS_FOLLOWUP_MONTHS must list whole numbers of months from 1 to 120, such as 3,6,12."
    )
SPCOMMS_FOLLOWUP_MONTHS = sorted({int(item) for item in _followup_months})
SPCOMMS_FOLLOWUP_GRACE_DAYS = env_int("SPCOMMS_FOLLOWUP_GRACE_DAYS", 30, minimum=0)

# The world map of reprisals (docs/reprisals.md): Natural Earth's countries at 1:50 million
# from the npm package world-atlas, which `make demo` and `make test` install under var/npm.
SPCOMMS_WORLD_GEOMETRY = Path(
    os.environ.get(
        "SPCOMMS_WORLD_GEOMETRY",
        VAR_DIR / "npm" / "node_modules" / "world-atlas" / "countries-50m.json",
    )
)

# Sessions and cookies: short-lived staff sessions, never readable by scripts.
SESSION_COOKIE_AGE = env_int("SPCOMMS_SESSION_SECONDS", 8 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Staff sign-in (docs/security.md, "Staff sign-in"). SESSION_COOKIE_AGE above is also the
# absolute lifetime of a signed-in session; this is how long it may stay unused.
SPCOMMS_SESSION_IDLE_SECONDS = env_int("SPCOMMS_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
# Staff roles must set up an authenticator app before reaching any page.
SPCOMMS_REQUIRE_2FA = env_bool("SPCOMMS_REQUIRE_2FA", PRODUCTION)
# Failed passwords or codes before sign-in pauses, per account and per client, and for how long.
SPCOMMS_SIGNIN_ACCOUNT_FAILURES = env_int("SPCOMMS_SIGNIN_ACCOUNT_FAILURES", 5, minimum=1)
SPCOMMS_SIGNIN_CLIENT_FAILURES = env_int("SPCOMMS_SIGNIN_CLIENT_FAILURES", 20, minimum=1)
SPCOMMS_SIGNIN_PAUSE_SECONDS = env_int("SPCOMMS_SIGNIN_PAUSE_SECONDS", 15 * 60, minimum=60)
# The request header in which the reverse proxy passes the client's address (e.g. X-Real-IP);
# unset, the address of the connection is used.
SPCOMMS_CLIENT_ADDRESS_HEADER = env_http_header("SPCOMMS_CLIENT_ADDRESS_HEADER")
AUTHENTICATION_BACKENDS = ["spcomms.accounts.backends.ThrottledModelBackend"]
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Nothing is ever sent to another site. Same-origin requests keep their referrer
# because browsers send "Origin: null" on form posts under "no-referrer", which
# Django's CSRF protection must refuse.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

TLS = env_bool("SPCOMMS_TLS", PRODUCTION)
SECURE_HSTS_PRELOAD = False
if TLS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # A `__Host-` name makes browsers refuse the cookie unless it is Secure, for the whole site
    # (Path=/) and for this host only (no Domain): no other host or plain-HTTP page can plant or
    # overwrite it (RFC 6265bis, cookie prefixes). The source's status cookie, limited to
    # /submit/, takes the `__Secure-` prefix instead (spcomms.intake.views.status_cookie_name).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-django_language"
    SECURE_SSL_REDIRECT = env_bool("SPCOMMS_SSL_REDIRECT", True)
    # Pages redirect plain HTTP to HTTPS; the API does not, so that a client configured with
    # http:// fails at once instead of sending every request in clear before the redirect
    # (spcomms.core.headers.PlainHttpApiRefusal answers it 403).
    SECURE_REDIRECT_EXEMPT = [r"^api/"]
    SECURE_HSTS_SECONDS = env_int("SPCOMMS_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SPCOMMS_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logging: never names, contacts or free text. Django's request logger would
# write URLs with receipt codes or search terms, so it only reports errors.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "spcomms": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint's warnings quote each character no font can draw: letters of names.
        "weasyprint": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

SILENCED_SYSTEM_CHECKS: list[str] = []
if TLS and not SECURE_HSTS_PRELOAD:
    # Preloading binds the domain to HTTPS in browsers for good; each operator
    # opts in with SPCOMMS_HSTS_PRELOAD=1 rather than being warned into it.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
