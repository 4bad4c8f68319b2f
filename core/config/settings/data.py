"""PostgreSQL (the owner and the restricted app role), Redis, the cache and sessions."""

from __future__ import annotations

import os

from config.database import APP_ROLE, database_settings
from config.settings.base import DATA_DIR
from contracts.env import env_bool, env_value

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
    pool=env_bool("FRONTLINE_DB_POOL", True),
    prepare=env_bool("FRONTLINE_DB_PREPARE", True),
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
