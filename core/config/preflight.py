"""Checks a production role runs before it starts serving (`scripts/serve.py`).

Each check raises `PreflightError` with one line an operator can act on. A role that cannot
work (no database, no Redis, a schema older than the code) must stop with that line and a
non-zero exit, not start and fail on every request or loop through tracebacks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

import psycopg
import redis
from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from kombu import Connection


class PreflightError(RuntimeError):
    pass


def _conninfo(alias: str) -> str:
    db = settings.DATABASES[alias]
    return psycopg.conninfo.make_conninfo(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        dbname=db.get("NAME") or None,
    )


def _describe(alias: str) -> str:
    db = settings.DATABASES[alias]
    return f"{db.get('USER')}@{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db.get('NAME')}"


def check_database(alias: str = "default") -> None:
    try:
        with psycopg.connect(_conninfo(alias), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PreflightError(f"database {_describe(alias)} is unreachable: {reason}") from exc


def check_broker_and_cache() -> None:
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        raise PreflightError(f"Redis at {_redacted(settings.REDIS_URL)} is unreachable: {exc}") from exc
    broker = settings.CELERY_BROKER_URL
    if broker and broker != settings.REDIS_URL:
        try:
            with Connection(broker, connect_timeout=3) as connection:
                connection.ensure_connection(max_retries=1)
        except Exception as exc:
            raise PreflightError(f"Celery broker {_redacted(broker)} is unreachable: {exc}") from exc


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connections["owner"])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def check_migrations_applied() -> None:
    pending = pending_migrations()
    if pending:
        shown = ", ".join(pending[:3]) + (f" and {len(pending) - 3} more" if len(pending) > 3 else "")
        raise PreflightError(
            f"{len(pending)} migrations are not applied ({shown}); run `serve.py migrate` first"
        )


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def run_checks(checks: list[Callable[[], None]], *, wait_seconds: float = 0.0) -> None:
    """Run the checks; while `wait_seconds` lasts, retry the ones that fail (a database still
    booting next to us), then give up with the last failure's line."""
    deadline = time.monotonic() + wait_seconds
    for check in checks:
        while True:
            try:
                check()
                break
            except PreflightError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(1.0)
