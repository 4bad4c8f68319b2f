"""Build the two database connections: the owner (migrations) and the restricted app role."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import dj_database_url

APP_ROLE = "frontline_app"


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
    *, owner_url: str, app_url: str | None, data_dir: Path, pool: bool, prepare: bool = True
) -> dict[str, dict[str, Any]]:
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
    # Prepared statements for the hot paths' hand-written SQL (`tenancy.rows.hot_cursor`, the
    # only cursors that bind on the server; the ORM's cursors bind on the client and never
    # prepare): planning the list query cost more than running it. 0 = prepare on first use;
    # psycopg keeps the newest 100 per connection. None turns them off, for a pooler that
    # cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
    app["OPTIONS"]["prepare_threshold"] = 0 if prepare else None
    app["TEST"] = {"NAME": None}
    return {"default": app, "owner": owner}
