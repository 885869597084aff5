"""Settings for Better Way Notes, read from the environment.

Every setting that differs between machines comes from an environment variable
(listed in README.md). Development defaults are safe; with DJANGO_DEBUG off the
app refuses to start without a secret key, allowed hosts and a database URL.
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from betterway.release import fingerprint as release_fingerprint

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
    return value


def email_settings(name: str, url: str) -> dict[str, Any]:
    """Django's EMAIL_* settings from a URL; a bad one stops the app, naming ``name``."""
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "file" and parts.path:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parts.path),
        }
    if parts.scheme in {"smtp", "smtps"} and parts.hostname:
        use_ssl = parts.scheme == "smtps" or query.get("ssl", "") in _TRUE - {""}
        use_tls = query.get("tls", "") in _TRUE - {""}
        if use_ssl and use_tls:
            raise ImproperlyConfigured(f"{name} cannot ask for both tls and ssl.")
        try:
            port = parts.port or (465 if use_ssl else 587 if use_tls else 25)
        except ValueError:
            raise ImproperlyConfigured(f"{name} has a port that is not a number.") from None
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port,
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": use_tls,
            "EMAIL_USE_SSL": use_ssl,
        }
    raise ImproperlyConfigured(
        f"{name} must be smtp://user:password@host:port (?tls=1 or ?ssl=1), console: "
        f"or file:///folder; got {parts.scheme or url!r}"
    )


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# mypy's Django plugin imports these settings only to learn the models: it needs
# no secret, hosts or database, and must not start a database server.
TYPE_CHECKING_ONLY = Path(sys.argv[0]).name in {"mypy", "dmypy"}

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TYPE_CHECKING_ONLY):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
            "For development, set DJANGO_DEBUG=1 (make run and make test do)."
        )
    SECRET_KEY = "development-only-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not (DEBUG or TYPE_CHECKING_ONLY) and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "betterway.apps.BetterwayAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "taggit",
    "simple_history",
    # The task queue on PostgreSQL (mail and other slow work) and its job admin.
    "procrastinate.contrib.django",
    # Log-in lock-outs stored in the database, so they hold across processes.
    "axes",
    "csp",
    # A second factor (TOTP) for staff reaching the admin.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "betterway",
    "cells",
    "notes",
    # Development commands (demo, scale data, benchmark); no models, no URLs.
    "betterway.dev",
]

MIDDLEWARE = [
    # First: a request too large for any form is refused before anything reads it.
    "betterway.errors.RequestSizeMiddleware",
    "betterway.errors.DatabaseRecoveryMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "betterway.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "betterway.middleware.ControlCharacterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lock-out into the friendly page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "betterway.urls"
WSGI_APPLICATION = "betterway.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: DATABASE_URL selects any PostgreSQL server. Without it, development
# and tests start the project's own local server (see betterway/dev/localdb.py).
_database_url = env_str("DATABASE_URL")
if _database_url:
    if not _database_url.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or postgresql:// URL.")
    _database: dict[str, Any] = dict(dj_database_url.parse(_database_url))
elif TYPE_CHECKING_ONLY:
    _database = {"ENGINE": "django.db.backends.postgresql", "NAME": "betterway"}
elif DEBUG:
    from betterway.dev import localdb

    _database = localdb.database_settings()
else:
    raise ImproperlyConfigured("DATABASE_URL is required when DJANGO_DEBUG is off.")
_database["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 60)
_database["CONN_HEALTH_CHECKS"] = True
# A database that accepts connections but never answers must not hang pages:
# connecting gives up after this long, and (in the web server, where wsgi.py
# sets it) any one statement after BETTERWAY_STATEMENT_TIMEOUT seconds. Workers
# and commands (migrations, backups) have no statement limit unless it is set.
_options = _database.setdefault("OPTIONS", {})
_options.setdefault("connect_timeout", env_int("BETTERWAY_DB_CONNECT_TIMEOUT", 5, minimum=1))
STATEMENT_TIMEOUT_SECONDS = env_int("BETTERWAY_STATEMENT_TIMEOUT", 0)
if STATEMENT_TIMEOUT_SECONDS:
    _options["options"] = f"-c statement_timeout={STATEMENT_TIMEOUT_SECONDS * 1000}"
DATABASES = {"default": _database}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "betterway.User"
LOGIN_URL = "login"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Log in with a username or an e-mail address, in any case.
    "betterway.accounts.backends.EmailOrUsernameBackend",
]
# Django's database sessions, with the read every request makes prepared once.
SESSION_ENGINE = "betterway.sessions"
# Links in invitations and password resets stop working after this long.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
INVITATION_DAYS = env_int("BETTERWAY_INVITATION_DAYS", 7, minimum=1)
# Where the site is reached, for links in mail sent without a request (digests).
SITE_URL = env_str("BETTERWAY_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The largest request body read: forms, a pasted note (2,000,000 characters)
# and a note file (5 MB) fit; anything larger is refused unread (413).
MAX_REQUEST_BYTES = 10 * 1024 * 1024
NOTE_FILE_MAX_MB = 5
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES

# The cache holds aggregate figures and is shared by every process and server
# by default: PostgreSQL's own table (which `migrate` creates), or Redis when
# REDIS_URL is set. "locmem" (one per process) suits a single process only.
CACHE_TABLE = "betterway_cache"
_redis_url = env_str("REDIS_URL")
_CACHES = {
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": CACHE_TABLE,
        # Figures are kept per set of readable cells: a network has hundreds of
        # such sets. Django's default (300 entries, then a third deleted at
        # each write) would throw them away as fast as they are made.
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
    "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url},
}
_cache = env_str("BETTERWAY_CACHE", "redis" if _redis_url else "database")
if _cache not in _CACHES:
    raise ImproperlyConfigured(
        f"BETTERWAY_CACHE must be one of {', '.join(_CACHES)}; got {_cache!r}"
    )
if _cache == "redis" and not _redis_url.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("BETTERWAY_CACHE=redis needs REDIS_URL=redis://host:6379/0")
CACHES = {"default": _CACHES[_cache]}
# What the shared cache keeps (readers, rendered parts, follow states) is kept
# under the running code's release, so a deploy never reads an older release's
# entries (betterway/release.py).
RELEASE = release_fingerprint(BASE_DIR)

# How long aggregate figures (theme counts, charts, related themes) and the
# rendered parts of theme pages, the theme index and searches are reused.
# Any change to the content replaces them at once (they are versioned), so
# this bounds only how long unused entries stay.
STATS_CACHE_SECONDS = env_int("BETTERWAY_STATS_CACHE_SECONDS", 300)

# The benchmark's one-query comparison page (/bench/baseline); off unless asked.
BENCHMARK_VIEWS = env_bool("BETTERWAY_BENCHMARK_VIEWS", False)

# E-mail: EMAIL_URL is smtp://user:password@host:587 (add ?tls=1 or ?ssl=1),
# console: (print mail) or file:///folder (one file per mail). Development
# prints mail; production refuses to start without EMAIL_URL.
_email_url = env_str("EMAIL_URL") or ("console:" if DEBUG or TYPE_CHECKING_ONLY else "")
if not _email_url:
    raise ImproperlyConfigured(
        "EMAIL_URL is required when DJANGO_DEBUG is off, e.g. smtp://user:password@host:587?tls=1"
    )
_email = email_settings("EMAIL_URL", _email_url)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH")
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Better Way Notes <notes@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 20, minimum=1)

# Background work (procrastinate): tasks live in each app's tasks.py.
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "tasks"

# Staff open the admin only after a code from an authenticator app (TOTP), on
# by default in production. The demo (make run) turns it off unless asked.
ADMIN_REQUIRES_SECOND_FACTOR = env_bool("BETTERWAY_ADMIN_SECOND_FACTOR", not DEBUG)
OTP_TOTP_ISSUER = "Better Way Notes"

# Log-in lock-outs (django-axes): 5 failures pause a username, and a username
# from one address, for 15 minutes; an address on its own is never locked, as
# behind a proxy or a shared office it would lock out everyone.
AXES_FAILURE_LIMIT = env_int("BETTERWAY_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("BETTERWAY_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "betterway.accounts.lockout.canonical_username"
AXES_CLIENT_IP_CALLABLE = "betterway.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "betterway.accounts.lockout.locked_out"
# The client's address comes from REMOTE_ADDR, or from this header when a
# trusted proxy in front of the app sets it (e.g. X-Real-IP); never from a
# header the client could send itself.
CLIENT_IP_HEADER = env_str("BETTERWAY_CLIENT_IP_HEADER")

# PostgreSQL's text-search configuration: English stemming ("leaders" finds
# "leadership"), for search, suggestions and the words marked on a page.
SEARCH_CONFIG = "english"

# Themes are matched whatever the case typed ("Leadership" is "leadership").
TAGGIT_CASE_INSENSITIVE = True

# Security. The HTTPS settings default on in production and can be relaxed
# only explicitly (for example behind a proxy that terminates TLS).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
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
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Django admin's widgets (select2 autocomplete, calendars) write style
# attributes; the admin alone may use them. Scripts stay 'self' only.
ADMIN_CONTENT_SECURITY_POLICY_UPDATE = {"style-src-attr": [UNSAFE_INLINE]}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # runserver prints its own start-up lines; do not log them twice.
        "django.utils.autoreload": {"level": "WARNING"},
        # Their start-up lines say nothing an operator needs.
        "axes": {"level": "WARNING"},
        "procrastinate": {"level": "WARNING"},
        "mail.log": {"level": "WARNING"},  # aiosmtpd, in development tools
    },
}
