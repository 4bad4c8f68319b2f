"""A PostgreSQL server of the test's own, to stop and start while traffic flows (fault suite c).

The cluster comes from the embedded PostgreSQL binaries `make run` / `make test` already use
(`scripts/devstack.py`: initdb, pg_ctl), trusted on 127.0.0.1 and a free port, in the test's
temporary directory: the machine's server is never restarted. It holds a copy of the migrated
test database (pg_dump / pg_restore of the same binaries, after creating the app role, so the
grants and row-level security policies come across), and this process's Django connections
point at it until the context ends; worker processes started meanwhile (`workers.worker_env`)
point at it too.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connections
from psycopg import sql

from scripts import devstack
from tenancy.security import apply_tenant_security
from testing.workers import free_port

ALIASES = ("default", "owner")
_FOREIGN_COLUMN_OPTION = re.compile(r"^ALTER TABLE ONLY .* ALTER COLUMN .* SET \(pg_attver=")


@dataclass
class PrivatePostgres:
    pg_dir: Path
    port: int
    log: Path

    def start(self) -> None:
        devstack.cluster_start(self.pg_dir, self.port, self.log)

    def stop(self, mode: str = "fast") -> None:
        """`fast`: every session is ended and the server shuts down cleanly (a service restart).
        This process's own connections are closed: its next query opens a new one."""
        devstack.cluster_stop(self.pg_dir, mode)
        _drop_connections()

    def conninfo(self, dbname: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"


def _bin(name: str) -> str:
    commands, *_ = devstack._pg_commands()
    return str(commands.POSTGRES_BIN_PATH / name)


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr[-2000:]}")


def _copy_test_database(server: PrivatePostgres, dump: Path) -> None:
    source = settings.DATABASES["owner"]
    app_role, app_password = settings.DATABASES["default"]["USER"], settings.DATABASES["default"]["PASSWORD"]
    owner_role = source["USER"]
    env_source = {**os.environ, "PGPASSWORD": str(source.get("PASSWORD") or "")}
    _run(
        [
            _bin("pg_dump"),
            "-Fc",
            "-f",
            str(dump),
            "-h",
            str(source.get("HOST") or "127.0.0.1"),
            "-p",
            str(source.get("PORT") or 5432),
            "-U",
            str(owner_role),
            str(source["NAME"]),
        ],
        env=env_source,
    )
    with psycopg.connect(server.conninfo(), autocommit=True) as conn:
        for role, extra in ((owner_role, "SUPERUSER"), (app_role, "NOSUPERUSER NOBYPASSRLS")):
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
            if not exists:
                conn.execute(
                    sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} " + extra).format(
                        sql.Identifier(str(role)), sql.Literal(str(app_password if role == app_role else ""))
                    )
                )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(str(source["NAME"]))))
    # Without owners and grants (roles of the machine's server need not exist here); the
    # app role's grants come from the same code that sets them after every migrate. Column
    # options the source server's build adds and this one does not know are left out.
    script = subprocess.run(
        [_bin("pg_restore"), "--no-owner", "--no-acl", "-f", "-", str(dump)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    kept = "\n".join(line for line in script.splitlines() if not _FOREIGN_COLUMN_OPTION.search(line))
    psql = [_bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(server.port)]
    done = subprocess.run(
        [*psql, "-U", "postgres", "-d", str(source["NAME"])],
        input=kept,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"restoring the test database failed: {done.stderr[-2000:]}")


def _drop_connections() -> None:
    """Close this thread's connections and their pools (a pool would hand out a connection to
    a server that has gone, or to the server the settings named before)."""
    for alias in ALIASES:
        connections[alias].close()
        close_pool = getattr(connections[alias], "close_pool", None)
        if close_pool:
            close_pool()


def _point_django_at(values: dict[str, dict[str, Any]]) -> None:
    _drop_connections()
    for alias in ALIASES:
        settings.DATABASES[alias].update(values[alias])
        connections[alias].settings_dict.update(values[alias])


@contextmanager
def private_postgres(work_dir: Path) -> Iterator[PrivatePostgres]:
    """Start the cluster, copy the test database into it and point Django at it; undo all after."""
    work_dir.mkdir(parents=True, exist_ok=True)
    server = PrivatePostgres(work_dir / "pgdata", free_port(), work_dir / "postgres.log")
    devstack.cluster_init(server.pg_dir, server.log, password=None)
    server.start()
    saved = {alias: {k: settings.DATABASES[alias].get(k) for k in ("HOST", "PORT")} for alias in ALIASES}
    try:
        _copy_test_database(server, work_dir / "test.dump")
        _point_django_at({alias: {"HOST": "127.0.0.1", "PORT": str(server.port)} for alias in ALIASES})
        apply_tenant_security(using="owner")
        yield server
    finally:
        _point_django_at(saved)
        server.stop("immediate")
