"""Build the two database connections: the owner (migrations) and the restricted app role."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

APP_ROLE = "frontline_app"

# Behind PgBouncer in transaction mode every transaction may run on another server
# connection, so nothing may outlive a transaction on the server. The tenant never does (it is
# set with SET LOCAL); two things the app would otherwise keep per connection are turned off:
# - "transaction": prepared statements (PgBouncer before 1.21 passes psycopg's statement names
#   through, so clients sharing a server connection collide: 'prepared statement "_pg3_0"
#   already exists', or find theirs missing on another server connection);
# - "prepared": PgBouncer 1.22+ with `max_prepared_statements` > 0, which keeps them per server
#   connection (1.21 did too, but not psycopg's DEALLOCATE ALL after a rollback), with
#   psycopg's libpq 17+ (protocol-level Close): prepared statements stay on.
# Both turn off Django's server-side cursors (`.iterator()` would DECLARE ... WITH HOLD outside a
# transaction, a cursor left on one server connection and read from another).
PGBOUNCER_ENV = "FRONTLINE_DB_PGBOUNCER"
POOLER_MODES = {
    **dict.fromkeys(("", "0", "false", "no", "off"), None),
    **dict.fromkeys(("1", "true", "yes", "on", "transaction"), "transaction"),
    "prepared": "prepared",
}


def pooler_mode(value: str) -> str | None:
    """The `FRONTLINE_DB_PGBOUNCER` value as a mode: None (direct), "transaction" or "prepared"."""
    key = value.strip().lower()
    if key not in POOLER_MODES:
        raise ImproperlyConfigured(
            f"{PGBOUNCER_ENV}={value!r} is not one of: 0 (PostgreSQL directly), 1 or transaction "
            "(PgBouncer in transaction mode), prepared (PgBouncer 1.22+ with max_prepared_statements)"
        )
    return POOLER_MODES[key]


def apply_pooler_mode(app: dict[str, Any], mode: str | None) -> None:
    """The app role's connection settings for the pooler `mode` (see PGBOUNCER_ENV)."""
    if mode is None:
        return
    app["DISABLE_SERVER_SIDE_CURSORS"] = True
    if mode == "transaction":
        app["OPTIONS"]["prepare_threshold"] = None


def _app_role_password(data_dir: Path) -> str:
    """The generated password of the app role, kept beside the local data."""
    path = data_dir / "app-role-password"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(24)
    path.write_text(password)
    path.chmod(0o600)
    return password


def derive_app_url(owner_url: str, data_dir: Path) -> str:
    """Same server and database as the owner URL, but as the app role."""
    parts = urlsplit(owner_url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    password = quote(_app_role_password(data_dir))
    netloc = f"{APP_ROLE}:{password}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def database_settings(
    *,
    owner_url: str,
    app_url: str | None,
    data_dir: Path,
    pool: bool,
    prepare: bool = True,
    pgbouncer: str = "",
) -> dict[str, dict[str, Any]]:
    """`pgbouncer`: the FRONTLINE_DB_PGBOUNCER value, for an app URL (DATABASE_APP_URL) that
    points at PgBouncer in transaction mode; the owner URL, used for migrations, reaches
    PostgreSQL directly. See docs/operations/pgbouncer.md."""
    owner: dict[str, Any] = dict(dj_database_url.parse(owner_url))
    app: dict[str, Any] = dict(dj_database_url.parse(app_url or derive_app_url(owner_url, data_dir)))
    for config in (owner, app):
        config["ENGINE"] = "django.db.backends.postgresql"
        config["CONN_MAX_AGE"] = 0
        config.setdefault("OPTIONS", {})
    if pool:
        # psycopg's pool: the same server connection serves many requests, which is why
        # the tenant is set with SET LOCAL per transaction and never per session.
        app["OPTIONS"]["pool"] = {"min_size": 1, "max_size": 8, "timeout": 10}
    # Prepared statements for the hot paths' hand-written SQL (`db.rows.hot_cursor`, the
    # only cursors that bind on the server; the ORM's cursors bind on the client and never
    # prepare): planning the list query cost more than running it. 0 = prepare on first use;
    # psycopg keeps the newest 100 per connection. None turns them off, for a pooler that
    # cannot keep prepared statements (PgBouncer in transaction mode before 1.22, PGBOUNCER_ENV).
    app["OPTIONS"]["prepare_threshold"] = 0 if prepare else None
    apply_pooler_mode(app, pooler_mode(pgbouncer))
    app["TEST"] = {"NAME": None}
    return {"default": app, "owner": owner}
