"""Paths, the runtime environment, the secret key, hosts and ports, the installed apps and the middleware."""

from __future__ import annotations

import os
from pathlib import Path

from contracts.env import check_secret_key, data_dir, dev_secret, env_value, is_dev_or_test, runtime_env

CORE_DIR = Path(__file__).resolve().parents[2]
REPO_DIR = CORE_DIR.parent
DATA_DIR = data_dir()

ENV = runtime_env()
IS_DEV = is_dev_or_test()
DEBUG = ENV == "dev" and os.environ.get("FRONTLINE_DEBUG", "1") == "1"


def _secret_key() -> str:
    # Secrets come from the environment or from a file named by <NAME>_FILE (contracts/env.py).
    key = env_value("FRONTLINE_SECRET_KEY")
    if key:
        if not IS_DEV:
            check_secret_key(key)
        return key
    if not IS_DEV:
        raise RuntimeError(
            "FRONTLINE_SECRET_KEY (or FRONTLINE_SECRET_KEY_FILE) must be set outside dev and test"
        )
    # The gateway derives its key from the same file in dev (realtime/config.py).
    return dev_secret("secret-key", nbytes=50)


SECRET_KEY = _secret_key()

# -- hosts and tenants ------------------------------------------------------------
BASE_DOMAIN = os.environ.get("FRONTLINE_BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}"]
if IS_DEV:
    ALLOWED_HOSTS += ["127.0.0.1", "testserver"]
ALLOWED_HOSTS += [h for h in os.environ.get("FRONTLINE_ALLOWED_HOSTS", "").split(",") if h]

WEB_PORT = int(os.environ.get("FRONTLINE_WEB_PORT", "8000"))
AI_PORT = int(os.environ.get("FRONTLINE_AI_PORT", "8001"))
REALTIME_PORT = int(os.environ.get("FRONTLINE_REALTIME_PORT", "8002"))
# The Vite dev server (`npm run dev`): in dev its pages may open realtime sockets too.
PORTAL_DEV_PORT = int(os.environ.get("FRONTLINE_PORTAL_DEV_PORT", "5173"))
SMTP_PORT = int(os.environ.get("FRONTLINE_SMTP_PORT", "2525"))


# -- applications -----------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    # Only for its static files and templates: /api/v1/docs then serves Swagger UI from the
    # pinned django-ninja package instead of a CDN, which the CSP (script-src 'self') blocks.
    "ninja",
    "tenancy",
    "accounts",
    "health",
    "events",
    "architecture",
    "jobs",
    "webhooks",
    "notifications",
    "email_channel",
    "kb",
    "realtime_auth",
    "tickets",
    "triage",
    "portal_host",
    "sla",
    "assignment",
    "automations",
    "csat",
    "reports",
    "privacy",
    "workspace",
    "operations",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The client's address from the reverse proxy's X-Real-IP (only when the peer is trusted).
    "config.client_ip.ClientAddressMiddleware",
    # 413 for oversized bodies before anything reads them (JSON and uploads have own limits).
    "api.limits.BodySizeLimitMiddleware",
    # 400 for NUL in a query parameter (PostgreSQL refuses it; a streamed CSV would fail mid-way).
    "api.limits.NulInQueryMiddleware",
    # Static files (the built portal's assets, admin CSS) without a separate web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.headers.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Resolves the tenant (host or API token), opens the request's transaction with
    # the tenant set for row-level security, and checks the user's membership.
    "api.middleware.TenantMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# -- i18n ----------------------------------------------------------------------------
LANGUAGE_CODE = "en"
# What a user may save as their locale; mails are rendered in it (translation.override).
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
# German catalogue of the mails: core/locale/de/LC_MESSAGES/django.po, .mo committed beside it.
LOCALE_PATHS = [CORE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FRONTLINE_LOG_LEVEL", "INFO").upper()},
}
