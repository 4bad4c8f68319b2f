"""Django settings for Frontline core, read from environment variables.

Safe production defaults: DEBUG is off unless FRONTLINE_ENV=dev, cookies are secure,
HSTS and a content security policy are sent, and only the base domain's hosts are
allowed. See docs/operations/environment.md for every variable.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from config.broker import broker_transport_options, queue_settings
from config.database import APP_ROLE, database_settings
from contracts.env import check_secret_key, data_dir, env_bool, env_value, is_dev_or_test, runtime_env
from contracts.realtime import DEFAULT_TOKEN_TTL_SECONDS, derive_secret

CORE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = CORE_DIR.parent
DATA_DIR = data_dir()

ENV = runtime_env()
IS_DEV = is_dev_or_test()
DEBUG = ENV == "dev" and os.environ.get("FRONTLINE_DEBUG", "1") == "1"


_env_bool = env_bool


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
    path = DATA_DIR / "secret-key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


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


# -- AI service (ai/): core and workers call it with a shared service token ---------------
def _ai_token() -> str:
    token = env_value("FRONTLINE_AI_TOKEN")
    if token or not IS_DEV:
        return token  # empty outside dev/test: AI triage is off until configured
    # Same file the ai process reads when it has no FRONTLINE_AI_TOKEN (ai/config.py).
    path = DATA_DIR / "ai-service-token"
    if not path.exists():
        # Written aside then hard-linked into place: two processes starting together agree on one token.
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        spare = path.with_name(f".ai-service-token.{os.getpid()}")
        spare.write_text(secrets.token_urlsafe(32))
        spare.chmod(0o600)
        try:
            os.link(spare, path)
        except FileExistsError:
            pass
        finally:
            spare.unlink()
    return path.read_text().strip()


AI_URL = os.environ.get("FRONTLINE_AI_URL", f"http://127.0.0.1:{AI_PORT}")
AI_TOKEN = _ai_token()
AI_TIMEOUT_SECONDS = float(os.environ.get("FRONTLINE_AI_TIMEOUT", "5"))
AI_TRAIN_TIMEOUT_SECONDS = float(os.environ.get("FRONTLINE_AI_TRAIN_TIMEOUT", "300"))
# Retraining: the schedule queues a tenant once it has this many labelled tickets (the AI
# service's own minimum, FRONTLINE_AI_MIN_LABELLED), then after this many new labels/corrections.
AI_MIN_LABELLED = int(os.environ.get("FRONTLINE_AI_MIN_LABELLED", "50"))
AI_RETRAIN_NEW_LABELS = int(os.environ.get("FRONTLINE_AI_RETRAIN_NEW_LABELS", "200"))

# -- applications -----------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
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

# -- data -------------------------------------------------------------------------
DATABASE_URL = env_value("DATABASE_URL")
if not DATABASE_URL:
    raise RuntimeError(
        "DATABASE_URL is not set. Use `make run` / `make test`, which start an embedded "
        "PostgreSQL, or set DATABASE_URL to your server (the owner role)."
    )
DATABASE_APP_URL = env_value("DATABASE_APP_URL") or None
# True when set-up creates and manages the restricted role itself.
MANAGE_APP_ROLE = DATABASE_APP_URL is None
APP_DB_ROLE = APP_ROLE
DATABASES = database_settings(
    owner_url=DATABASE_URL,
    app_url=DATABASE_APP_URL,
    data_dir=DATA_DIR,
    pool=_env_bool("FRONTLINE_DB_POOL", True),
    prepare=_env_bool("FRONTLINE_DB_PREPARE", True),
    pgbouncer=os.environ.get("FRONTLINE_DB_PGBOUNCER", ""),  # app URL via PgBouncer: 1, or prepared (1.22+)
)
DATABASE_ROUTERS = ["config.routers.OwnerMigratesRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHE_KEY_PREFIX = os.environ.get("FRONTLINE_CACHE_PREFIX", "frontline")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "TIMEOUT": 300,
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cache"

# -- auth -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Emails are unique case-insensitively (a Lower(email) unique constraint), which this check cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledTenantBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_MAX_FAILURES = int(os.environ.get("FRONTLINE_LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("FRONTLINE_LOGIN_LOCKOUT_SECONDS", "900"))
# Self-service password reset: links live two hours; at most this many mails per address
# and tenant per hour, and this many reset/sign-up requests per client IP per hour.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("FRONTLINE_PASSWORD_RESET_TIMEOUT", str(2 * 3600)))
PASSWORD_RESET_MAX_PER_HOUR = int(os.environ.get("FRONTLINE_PASSWORD_RESET_MAX_PER_HOUR", "3"))
SELF_SERVICE_MAX_PER_IP_PER_HOUR = int(os.environ.get("FRONTLINE_SELF_SERVICE_MAX_PER_IP_PER_HOUR", "30"))
API_TOKEN_TOUCH_SECONDS = 60  # last_used_at is written at most once a minute per token

# -- knowledge base -----------------------------------------------------------------
# Requests per window (seconds) per client address and tenant on the KB's anonymous endpoints.
KB_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "suggest": (int(os.environ.get("FRONTLINE_KB_SUGGEST_PER_MINUTE", "120")), 60),
    "search": (int(os.environ.get("FRONTLINE_KB_SEARCH_PER_MINUTE", "60")), 60),
    "view": (int(os.environ.get("FRONTLINE_KB_VIEW_PER_MINUTE", "60")), 60),
    "vote": (int(os.environ.get("FRONTLINE_KB_VOTE_PER_MINUTE", "30")), 60),
    "deflection": (int(os.environ.get("FRONTLINE_KB_DEFLECTION_PER_MINUTE", "30")), 60),
}
# Semantic suggest: how long the request may wait for the AI service to embed the query
# before answering from keywords alone, and how much the embedding score weighs (the rest
# goes to the keyword rank scaled to [0, 1] per query; 0.8 as in ai/similarity.py, where
# embeddings-heavy fusion measured best, and so a lone shared word cannot outrank meaning).
KB_SEMANTIC_TIMEOUT_SECONDS = float(os.environ.get("FRONTLINE_KB_SEMANTIC_TIMEOUT", "0.03"))
KB_SEMANTIC_WEIGHT = float(os.environ.get("FRONTLINE_KB_SEMANTIC_WEIGHT", "0.8"))
# An article found by meaning alone must be at least this close (cosine) to be suggested.
KB_SEMANTIC_MIN_SCORE = float(os.environ.get("FRONTLINE_KB_SEMANTIC_MIN_SCORE", "0.35"))
# The AI service's embedding model (ai/embeddings.py MODEL_NAME); vectors of another model are ignored.
KB_EMBEDDING_MODEL = os.environ.get("FRONTLINE_KB_EMBEDDING_MODEL", "all-MiniLM-L6-v2-onnx-int8")

# -- realtime gateway ---------------------------------------------------------------
# Core signs connection tokens with this key and the gateway checks them: both processes
# must see the same value (the gateway derives it from FRONTLINE_SECRET_KEY the same way).
REALTIME_SECRET = env_value("FRONTLINE_REALTIME_SECRET") or derive_secret(SECRET_KEY)
REALTIME_TOKEN_TTL_SECONDS = int(os.environ.get("FRONTLINE_REALTIME_TOKEN_TTL", DEFAULT_TOKEN_TTL_SECONDS))
REALTIME_PUBLIC_URL = os.environ.get("FRONTLINE_REALTIME_URL", "")

# -- security headers -------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("FRONTLINE_SECURE_COOKIES", not IS_DEV)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = _env_bool("FRONTLINE_SSL_REDIRECT", not IS_DEV)
SECURE_HSTS_SECONDS = int(os.environ.get("FRONTLINE_HSTS_SECONDS", "0" if IS_DEV else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not IS_DEV
# Asks browsers' preload lists to pin HTTPS for the base domain (what `check --deploy` expects);
# set to 0 before the domain is ready to be HTTPS-only for good.
SECURE_HSTS_PRELOAD = _env_bool("FRONTLINE_HSTS_PRELOAD", not IS_DEV)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Probes from the load balancer and the orchestrator speak plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
CSP_POLICY = os.environ.get(
    "FRONTLINE_CSP",
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'",
)
# Peers whose X-Real-IP header names the client (our nginx); networks, comma-separated.
FRONTLINE_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("FRONTLINE_TRUSTED_PROXIES", "127.0.0.1,::1").split(",") if p.strip()
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("FRONTLINE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
if IS_DEV:
    CSRF_TRUSTED_ORIGINS += [f"http://*.{BASE_DOMAIN}:{WEB_PORT}", f"http://{BASE_DOMAIN}:{WEB_PORT}"]

# -- i18n, static -----------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
# `scripts/serve.py` (and the container build) run collectstatic into it once; a read-only
# image keeps it outside the data volume (FRONTLINE_STATIC_ROOT).
STATIC_ROOT = Path(os.environ.get("FRONTLINE_STATIC_ROOT", DATA_DIR / "static")).resolve()
if IS_DEV:  # collectstatic fills it in production; whitenoise warns when it is missing
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The portal's production build (`npm run build` in portal/, done by `make run`/`make test`),
# published at /static/portal/ (vite.config.ts sets that base).
PORTAL_DIST_DIR = Path(os.environ.get("FRONTLINE_PORTAL_DIST", REPO_DIR / "portal" / "dist")).resolve()
STATICFILES_DIRS = [("portal", PORTAL_DIST_DIR)] if PORTAL_DIST_DIR.is_dir() else []
# Dev serves straight from the finders (no collectstatic step); production serves what
# collectstatic gathered, pre-compressed (gzip, and brotli when installed) once at collect time.
WHITENOISE_USE_FINDERS = IS_DEV
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if IS_DEV
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
# Vite's hashed assets are immutable.
WHITENOISE_IMMUTABLE_FILE_TEST = r"^.+/portal/assets/.+-[0-9A-Za-z_-]{8,}\.\w+$"

# -- uploads ----------------------------------------------------------------------
# Attachments go through Django's storage API (a local folder by default).
MEDIA_ROOT = Path(os.environ.get("FRONTLINE_MEDIA_DIR", DATA_DIR / "media")).resolve()
MEDIA_URL = "media/"  # never served directly: downloads go through the permission-checked API
ATTACHMENT_MAX_BYTES = int(os.environ.get("FRONTLINE_ATTACHMENT_MAX_BYTES", str(25 * 1024 * 1024)))
# JSON bodies above this answer 413 (uploads have their own limit above).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("FRONTLINE_MAX_BODY_BYTES", str(2 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# -- Celery -----------------------------------------------------------------------
# Redis by default; RabbitMQ (amqp://) where an installation runs one (config/broker.py).
# The URL may carry the broker password, so it may come from a file (..._FILE).
CELERY_BROKER_URL = env_value("FRONTLINE_CELERY_BROKER_URL") or REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Unacknowledged messages of a dead worker come back after the visibility timeout, so it
# must exceed every task's run time and countdown (ReliableTask caps backoff at 10 min;
# webhook retries up to 24 h wait in the database, not in the broker).
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("FRONTLINE_CELERY_VISIBILITY_TIMEOUT", str(3600)))
# Kombu looks for abandoned messages every interval x throttle seconds (10 x 10 by default,
# so a killed worker's task could wait ~100 s beyond the visibility timeout): scan every
# interval instead.
CELERY_RESTORE_INTERVAL = int(os.environ.get("FRONTLINE_CELERY_RESTORE_INTERVAL", "30"))
CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(
    CELERY_BROKER_URL, visibility_timeout=CELERY_VISIBILITY_TIMEOUT, restore_interval=CELERY_RESTORE_INTERVAL
)
# A request that records an event must not hang while Redis is down: the kick gives up
# quickly and the beat sweep publishes the outbox row once Redis is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task running when the broker connection drops finishes (and commits) instead of being
# killed: killed between its side effect (a mail written, a webhook posted) and its commit,
# it left the row pending and the side effect was repeated (seen in the Redis-stop fault
# test: one mail sent twice). Its lost ack only means a later idempotent re-run.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_TRACK_STARTED = False
CELERY_TASK_ALWAYS_EAGER = False
# One queue per kind of work, so a 100k-row export or a retrain never waits in front of a
# password-reset mail. `scripts/serve.py worker --queues email` consumes one; a worker started
# without -Q (make run, the tests) consumes all of them.
CELERY_QUEUES_BY_PURPOSE = ("default", "email", "webhooks", "ai", "reports")
FRONTLINE_TASK_PURPOSES = {
    "email_channel.tasks.*": "email",
    "csat.tasks.*": "email",
    "accounts.tasks.*": "email",
    "notifications.tasks.*": "email",
    "webhooks.tasks.*": "webhooks",
    "triage.tasks.*": "ai",
    "kb.tasks.*": "ai",
    "reports.tasks.*": "reports",
}
# A prefix on every queue name lets several installations (or test runs) share one broker.
FRONTLINE_CELERY_QUEUE_PREFIX = os.environ.get("FRONTLINE_CELERY_QUEUE_PREFIX", "")
_queues = queue_settings(FRONTLINE_CELERY_QUEUE_PREFIX, CELERY_QUEUES_BY_PURPOSE, FRONTLINE_TASK_PURPOSES)
CELERY_TASK_DEFAULT_QUEUE = _queues["task_default_queue"]
CELERY_TASK_QUEUES = _queues["task_queues"]
CELERY_TASK_ROUTES = _queues["task_routes"]
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "health.tasks.heartbeat", "schedule": 15.0},
    "outbox-sweep": {"task": "events.tasks.sweep_outbox", "schedule": 5.0},
    "triage-backfill": {"task": "triage.tasks.backfill", "schedule": 120.0},
    "triage-retrain-due": {"task": "triage.tasks.retrain_due", "schedule": 3600.0},
    "kb-embed-backfill": {"task": "kb.tasks.embed_backfill", "schedule": 120.0},
    "webhook-due-deliveries": {"task": "webhooks.tasks.sweep_due_deliveries", "schedule": 10.0},
    "outbound-email-sweep": {"task": "email_channel.tasks.sweep_pending", "schedule": 10.0},
    "imap-poll": {
        "task": "email_channel.tasks.poll_mailboxes",
        "schedule": float(os.environ.get("FRONTLINE_IMAP_POLL_SECONDS", "60")),
    },
    "notification-digests": {"task": "notifications.tasks.send_digests", "schedule": 3600.0},
    "sla-sweep": {"task": "sla.tasks.sla_sweep", "schedule": 30.0},
    "time-rules": {"task": "automations.tasks.run_time_rules", "schedule": 300.0},
    "assign-waiting": {"task": "assignment.tasks.assign_waiting", "schedule": 60.0},
    "reports-catch-up": {"task": "reports.tasks.catch_up", "schedule": 300.0},
}

# -- domain events ----------------------------------------------------------------
# Subscribers declare themselves with `events.registry.subscribes` (map: docs/architecture/EVENTS.md).

FRONTLINE_STREAM_MAXLEN = int(os.environ.get("FRONTLINE_STREAM_MAXLEN", "10000"))
FRONTLINE_STREAM_MAX_AGE_SECONDS = int(os.environ.get("FRONTLINE_STREAM_MAX_AGE_SECONDS", str(24 * 3600)))

# -- webhooks ---------------------------------------------------------------------
# Loopback/private/link-local targets are refused unless the operator allows them
# (tests and a self-hosted intranet); checked after DNS resolution.
FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = _env_bool("FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS", False)
FRONTLINE_WEBHOOKS_DISABLE_AFTER = int(os.environ.get("FRONTLINE_WEBHOOKS_DISABLE_AFTER", "20"))

# -- email ------------------------------------------------------------------------
# Tenants receive mail at support@<slug>.<FRONTLINE_MAIL_DOMAIN>. Outbound mail goes
# through Django's backend: SMTP when FRONTLINE_EMAIL_HOST is set, otherwise (dev) a
# file per message under .data/mail, so `make run` shows what was sent.
FRONTLINE_MAIL_DOMAIN = os.environ.get("FRONTLINE_MAIL_DOMAIN", f"mail.{BASE_DOMAIN}")
FRONTLINE_EMAIL_MAX_BYTES = int(os.environ.get("FRONTLINE_EMAIL_MAX_BYTES", str(25 * 1024 * 1024)))
FRONTLINE_EMAIL_MAX_PER_SENDER_PER_HOUR = int(os.environ.get("FRONTLINE_EMAIL_MAX_PER_SENDER_PER_HOUR", "60"))
FRONTLINE_INBOUND_EMAIL_TOKEN = env_value("FRONTLINE_INBOUND_EMAIL_TOKEN")
# IMAP polling of tenants' own mailboxes (email_channel/imap.py): per poll at most
# FRONTLINE_IMAP_BATCH messages; one poll of a mailbox at a time (a cache lock).
FRONTLINE_IMAP_TIMEOUT_SECONDS = float(os.environ.get("FRONTLINE_IMAP_TIMEOUT_SECONDS", "20"))
FRONTLINE_IMAP_BATCH = int(os.environ.get("FRONTLINE_IMAP_BATCH", "100"))
FRONTLINE_IMAP_LOCK_SECONDS = int(os.environ.get("FRONTLINE_IMAP_LOCK_SECONDS", "600"))
# Like webhooks: a tenant's mailbox host may not be loopback/private/link-local (SSRF)
# unless the operator allows it (tests and local setups).
FRONTLINE_IMAP_ALLOW_PRIVATE_HOSTS = _env_bool("FRONTLINE_IMAP_ALLOW_PRIVATE_HOSTS", False)
EMAIL_HOST = os.environ.get("FRONTLINE_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("FRONTLINE_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("FRONTLINE_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = env_value("FRONTLINE_EMAIL_PASSWORD")
    EMAIL_USE_TLS = _env_bool("FRONTLINE_EMAIL_TLS", True)
elif IS_DEV or os.environ.get("FRONTLINE_MAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ.get("FRONTLINE_MAIL_DIR", str(DATA_DIR / "mail"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("FRONTLINE_DEFAULT_FROM_EMAIL", f"support@{FRONTLINE_MAIL_DOMAIN}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FRONTLINE_LOG_LEVEL", "INFO").upper()},
}
