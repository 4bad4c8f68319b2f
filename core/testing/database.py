"""A throw-away test database, migrated as the owner role and used as the app role.

pytest-django's own set-up would create the database through the `default` alias,
which is the restricted app role (no CREATEDB, by design), so we make it ourselves.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from psycopg import sql

from testing.pgbouncer import app_through_pgbouncer


def test_database_name() -> str:
    """Unique per checkout, so two checkouts can test against one server at once."""
    explicit = os.environ.get("FRONTLINE_TEST_DB")
    if explicit:
        return explicit
    digest = hashlib.sha1(str(settings.REPO_DIR).encode(), usedforsecurity=False).hexdigest()[:8]
    return f"frontline_test_{digest}"


def _maintenance_conninfo() -> str:
    owner = settings.DATABASES["owner"]
    return psycopg.conninfo.make_conninfo(
        host=owner.get("HOST") or None,
        port=owner.get("PORT") or None,
        user=owner.get("USER") or None,
        password=owner.get("PASSWORD") or None,
        dbname="postgres",
    )


def _point_aliases_at(name: str) -> None:
    for alias in ("default", "owner"):
        settings.DATABASES[alias]["NAME"] = name
        connections[alias].close()
        connections[alias].settings_dict["NAME"] = name


def _close_all() -> None:
    for alias in ("default", "owner"):
        conn = connections[alias]
        conn.close()
        close_pool = getattr(conn, "close_pool", None)
        if close_pool:
            close_pool()


@contextmanager
def test_database() -> Iterator[str]:
    name = test_database_name()
    ident = sql.Identifier(name)
    with psycopg.connect(_maintenance_conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))
    _point_aliases_at(name)
    call_command("migrate", database="owner", verbosity=0, interactive=False)
    try:
        with ExitStack() as stack:
            if os.environ.get("FRONTLINE_TEST_PGBOUNCER") == "1":
                # The app role through a real PgBouncer in transaction mode (scripts/test_pgbouncer.sh).
                stack.enter_context(app_through_pgbouncer())
            yield name
    finally:
        _close_all()
        if os.environ.get("FRONTLINE_KEEP_TEST_DB") != "1":
            with psycopg.connect(_maintenance_conninfo(), autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))


def truncate_all_tables() -> None:
    """Empty every application table as the owner (used after committed tests)."""
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename NOT IN "
            "('django_migrations', 'django_content_type', 'auth_permission')"
        )
        tables = cursor.fetchone()[0]
        if tables:
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
