"""The databases the operations commands read and write: connections, row counts, schema state.

Every tenant table FORCEs row-level security, so even the owner role sees no rows without
a tenant; counting or copying every tenant's rows sets the cross-tenant setting in the
transaction (SET LOCAL), the same switch the platform's own cross-tenant work uses.
"""

from __future__ import annotations

import os
import subprocess
import tomllib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from psycopg import sql

from db.tenant_setting import CROSS_TENANT_SETTING
from operations.errors import OperationError
from operations.pgtools import libpq_params
from tenancy.models import AuditAction, PlatformAuditEvent
from tenancy.security import tenant_models

# Django's own bookkeeping, rebuilt by migrate: not data to count.
_BOOKKEEPING = {"django_migrations"}


@contextmanager
def target_alias(url: str | None) -> Iterator[str]:
    """The owner alias of this installation, or a temporary one for another database's URL."""
    if not url:
        yield "owner"
        return
    alias = f"operations_{uuid.uuid4().hex[:8]}"
    config = dict(connections["owner"].settings_dict)
    parsed = dj_database_url.parse(url)
    for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT"):
        config[key] = parsed.get(key) or ""
    config["OPTIONS"] = dict(parsed.get("OPTIONS") or {})
    connections.settings[alias] = config
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def alias_params(alias: str) -> dict[str, str]:
    return libpq_params(connections[alias].settings_dict)


def connect(alias: str, **kwargs: Any) -> psycopg.Connection[Any]:
    """A connection of its own (not Django's), for a transaction whose snapshot pg_dump shares."""
    params = alias_params(alias)
    try:
        return psycopg.connect(**params, **kwargs)  # type: ignore[arg-type]  # libpq keywords
    except psycopg.OperationalError as exc:
        raise OperationError(
            f"Cannot connect to database {params.get('dbname', '?')}: {_first_line(exc)}"
        ) from exc


def django_connection(alias: str) -> psycopg.Connection[Any]:
    """The psycopg connection under Django's alias: work on it joins the alias's transaction."""
    try:
        connections[alias].ensure_connection()
    except DatabaseError as exc:
        name = connections[alias].settings_dict.get("NAME")
        raise OperationError(f"Cannot connect to database {name}: {_first_line(exc)}") from exc
    return connections[alias].connection


def _first_line(exc: Exception) -> str:
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def server_version(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SHOW server_version_num").fetchone()
    assert row is not None
    return int(row[0])


def allow_cross_tenant(conn: psycopg.Connection[Any]) -> None:
    """For the rest of the current transaction only (SET LOCAL)."""
    conn.execute("SELECT set_config(%s, 'on', true)", [CROSS_TENANT_SETTING])


def user_relations(conn: psycopg.Connection[Any]) -> list[str]:
    """Tables, views and sequences outside PostgreSQL's own schemas: empty for a new database."""
    rows = conn.execute(
        "SELECT n.nspname || '.' || c.relname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
        "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%' ORDER BY 1"
    ).fetchall()
    return [row[0] for row in rows]


def tenant_tables() -> list[str]:
    return sorted(model._meta.db_table for model in tenant_models())


def count_rows(conn: psycopg.Connection[Any]) -> tuple[dict[int, dict[str, int]], dict[str, int]]:
    """(rows per tenant id per tenant table, rows per other table), in the caller's transaction.

    Every tenant of `tenancy_tenant` is listed, with 0 for its empty tables.
    """
    allow_cross_tenant(conn)
    tables = tenant_tables()
    per_tenant: dict[int, dict[str, int]] = {
        row[0]: dict.fromkeys(tables, 0) for row in conn.execute("SELECT id FROM tenancy_tenant ORDER BY id")
    }
    for table in tables:
        query = sql.SQL("SELECT tenant_id, count(*) FROM {} GROUP BY tenant_id").format(sql.Identifier(table))
        for tenant_id, count in conn.execute(query):
            per_tenant.setdefault(tenant_id, dict.fromkeys(tables, 0))[table] = count
    global_rows = {}
    known = set(tables) | _BOOKKEEPING
    for (table,) in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall():
        if table not in known:
            query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            row = conn.execute(query).fetchone()
            global_rows[table] = int(row[0]) if row else 0
    return per_tenant, global_rows


def migration_heads(conn: psycopg.Connection[Any]) -> dict[str, list[str]]:
    """Per app, its applied migrations that no other applied migration of the app follows."""
    row = conn.execute("SELECT to_regclass('django_migrations') IS NOT NULL, current_database()").fetchone()
    if row is None or not row[0]:
        raise OperationError(
            f"Database {row[1] if row else '?'} has no Frontline schema: run `migrate` first."
        )
    applied = {(app, name) for app, name in conn.execute("SELECT app, name FROM django_migrations")}
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    heads: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        node = graph.node_map.get((app, name))
        children = {child.key for child in node.children} if node else set()
        if not any(child in applied and child[0] == app for child in children):
            heads.setdefault(app, []).append(name)
    return heads


def code_migration_heads() -> dict[str, list[str]]:
    """What `migrate` would bring a database to with this code."""
    heads: dict[str, list[str]] = {}
    for app, name in sorted(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()):
        heads.setdefault(app, []).append(name)
    return heads


def frontline_version() -> dict[str, str | None]:
    """The project's version and, when known, its git commit (FRONTLINE_GIT_COMMIT in images)."""
    repo = Path(settings.REPO_DIR)
    try:
        version = tomllib.loads((repo / "pyproject.toml").read_text())["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        version = None
    # The code's git commit, written into backup manifests (an image has no .git to ask).
    commit = os.environ.get("FRONTLINE_GIT_COMMIT") or None
    if commit is None:
        try:
            result = subprocess.run(
                ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, timeout=10, check=False
            )
            commit = result.stdout.decode().strip() or None if result.returncode == 0 else None
        except (OSError, subprocess.SubprocessError):
            commit = None
    return {"version": version, "git_commit": commit}


def record_platform_audit(alias: str, reason: str) -> None:
    """Cross-tenant work leaves a line in the platform audit log, as `cross_tenant_context` does."""
    PlatformAuditEvent.objects.using(alias).create(
        actor_id=None, action=AuditAction.CROSS_TENANT, detail={"reason": reason}
    )
