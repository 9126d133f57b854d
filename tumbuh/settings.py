"""Django settings for tumbuh.

Every value that differs between installations comes from an environment variable, read
through the helpers in ``tumbuh.lib.env`` (a bad value stops start-up with
``ImproperlyConfigured``). Each variable has a heading in ``docs/configuration.md`` and a line
in ``.env.example``; ``tests/test_docs.py`` fails when one is missing.
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from tumbuh.lib.database import database_config
from tumbuh.lib.env import data_dir, env_bool, env_int, env_list, env_secret, env_str

PACKAGE_DIR = Path(__file__).resolve().parent

# --- Core -------------------------------------------------------------------------------

DEBUG = env_bool("TUMBUH_DEBUG", False)

# Only for local development: never used when TUMBUH_DEBUG is off.
_DEVELOPMENT_SECRET_KEY = "django-insecure-tumbuh-development-only-never-use-in-production"
SECRET_KEY = env_secret("TUMBUH_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "TUMBUH_SECRET_KEY (or TUMBUH_SECRET_KEY_FILE) must be set when TUMBUH_DEBUG is "
            "off. Make one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = _DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("TUMBUH_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("TUMBUH_CSRF_TRUSTED_ORIGINS", [])

# Behind a TLS-terminating proxy: only send cookies over HTTPS.
HTTPS = env_bool("TUMBUH_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, so that `runserver` serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # tumbuh's apps, one per domain (docs/architecture in the repository's docs/).
    "tumbuh.areas",
    "tumbuh.accounts",
    "tumbuh.registry",
    "tumbuh.monitoring",
    "tumbuh.analytics",
    "tumbuh.quality",
    "tumbuh.worklists",
    "tumbuh.pmt",
    "tumbuh.foodreserve",
    "tumbuh.families",
    "tumbuh.wash",
    "tumbuh.training",
    "tumbuh.convergence",
    "tumbuh.eppgbm",
    "tumbuh.fhir",
    "tumbuh.dashboard",
    "tumbuh.tools",
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tumbuh.urls"
WSGI_APPLICATION = "tumbuh.wsgi.application"

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
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------

DATA_DIR = data_dir()

DATABASES = {
    "default": database_config(
        env_str("DATABASE_URL", ""),
        default_sqlite_path=DATA_DIR / "tumbuh.sqlite3",
        conn_max_age=env_int("TUMBUH_DB_CONN_MAX_AGE", 0, min_value=0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "default": per process (the list of a city's children at risk, kept five minutes);
# "figures": city-wide figures in the database, shared by every process and kept across
# restarts (tumbuh.lib.figurecache; the table is made by the dashboard app's migration).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tumbuh_figures_cache",
        "TIMEOUT": 30 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ------------------------------------------------------------------

# Language names are written in their own language, as a language switch should show them.
LANGUAGES = [
    ("id", "Bahasa Indonesia"),
    ("en", "English"),
]
LANGUAGE_CODE = env_str("TUMBUH_LANGUAGE_CODE", "id", choices=[code for code, _ in LANGUAGES])
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True

TIME_ZONE = env_str("TUMBUH_TIME_ZONE", "Asia/Makassar")  # WITA, Balikpapan's zone
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"TUMBUH_TIME_ZONE must be an IANA time zone such as Asia/Makassar; got {TIME_ZONE!r}"
    ) from None
USE_TZ = True

# --- Static files: served by the application itself through WhiteNoise -----------------

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]  # site-wide files; apps keep theirs in <app>/static
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed file names: browsers may cache them forever.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Logging ----------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {
        "handlers": ["console"],
        "level": env_str(
            "TUMBUH_LOG_LEVEL", "INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
        ),
    },
}
