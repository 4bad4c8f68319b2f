"""A real PgBouncer in transaction mode between the tests and PostgreSQL.

`running_pgbouncer(...)` starts `/usr/sbin/pgbouncer` with a generated configuration in a
temporary directory, listening on a free loopback port, and stops it afterwards.
`app_through_pgbouncer()` points the app role's alias (`default`) at one, with the settings
an operator uses behind PgBouncer (`config.database.apply_pooler_mode`); the owner alias
(migrations, truncation) keeps talking to PostgreSQL directly.

PgBouncer refuses to run as root; as root it is started with `-u nobody`, which drops
privileges after start-up, and its files are handed to that user.
"""

from __future__ import annotations

import os
import pwd
import re
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connections
from psycopg.rows import dict_row

from config.database import PGBOUNCER_ENV, apply_pooler_mode

PGBOUNCER = Path(os.environ.get("FRONTLINE_PGBOUNCER_BIN", "/usr/sbin/pgbouncer"))
UNPRIVILEGED_USER = "nobody"
# Named prepared statements kept per server connection (`max_prepared_statements`) came in
# 1.21; psycopg also sends DEALLOCATE ALL after a rollback, which PgBouncer handles from 1.22.
PREPARED_STATEMENTS_SINCE = (1, 22)


def pgbouncer_binary() -> str:
    if not PGBOUNCER.exists():
        raise RuntimeError(
            f"PgBouncer is not installed ({PGBOUNCER} is missing): `apt-get install -y pgbouncer`, "
            "or set FRONTLINE_PGBOUNCER_BIN"
        )
    return str(PGBOUNCER)


def pgbouncer_version() -> tuple[int, int, int]:
    out = subprocess.run([pgbouncer_binary(), "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"PgBouncer (\d+)\.(\d+)\.(\d+)", out)
    if match is None:
        raise RuntimeError(f"cannot read PgBouncer's version from {out!r}")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def keeps_prepared_statements() -> bool:
    return pgbouncer_version() >= PREPARED_STATEMENTS_SINCE


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@dataclass
class Pgbouncer:
    host: str
    port: int
    directory: Path
    process: subprocess.Popen[bytes]

    def show(self, what: str, *, user: str, password: str) -> list[dict[str, Any]]:
        return admin_show(self.host, self.port, what, user=user, password=password)

    def log(self) -> str:
        path = self.directory / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""


def admin_show(host: str, port: int, what: str, *, user: str, password: str) -> list[dict[str, Any]]:
    """Rows of PgBouncer's admin console command `SHOW <what>` (SERVERS, POOLS, STATS, CONFIG...)."""
    if not re.fullmatch(r"[A-Z_]+", what):
        raise ValueError(f"not a SHOW command: {what!r}")
    conninfo = psycopg.conninfo.make_conninfo(
        host=host, port=port, dbname="pgbouncer", user=user, password=password or None
    )
    # The console speaks only the simple query protocol: no parameters, nothing prepared.
    with psycopg.connect(conninfo, autocommit=True, prepare_threshold=None) as conn:
        cursor = psycopg.ClientCursor(conn, row_factory=dict_row)
        cursor.execute(f"SHOW {what}")
        return list(cursor.fetchall())


def _config(
    *,
    port: int,
    server_host: str,
    server_port: int,
    auth_file: Path,
    admin_user: str,
    with_passwords: bool,
    pool_size: int,
    max_client_conn: int,
    max_prepared_statements: int,
) -> str:
    lines = [
        "[databases]",
        # Any database name the client asks for, on the same server.
        f"* = host={server_host} port={server_port}",
        "",
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        f"listen_port = {port}",
        "unix_socket_dir =",
        # Plain passwords in the auth file: PgBouncer checks the client with SCRAM and logs in
        # to the server with whatever it asks for (SCRAM on embedded PostgreSQL, none on trust).
        f"auth_type = {'scram-sha-256' if with_passwords else 'trust'}",
        f"auth_file = {auth_file}",
        "pool_mode = transaction",
        f"default_pool_size = {pool_size}",
        "min_pool_size = 0",
        "reserve_pool_size = 0",
        f"max_db_connections = {pool_size}",
        f"max_client_conn = {max_client_conn}",
        # Transaction mode never runs a reset query; nothing the app does needs one.
        "server_reset_query =",
        # psycopg sends no startup parameter PgBouncer does not know (it refuses the
        # connection for unknown ones: a silently dropped `options` would lose settings).
        "ignore_startup_parameters = extra_float_digits",
        # A client stuck behind a busy pool fails the test quickly instead of hanging it.
        "query_wait_timeout = 30",
        # The app role may read the admin console (SHOW SERVERS, SHOW STATS): tests count
        # server connections and transactions there.
        f"admin_users = {admin_user}",
        "log_connections = 0",
        "log_disconnections = 0",
    ]
    if max_prepared_statements:
        lines.append(f"max_prepared_statements = {max_prepared_statements}")
    return "\n".join(lines) + "\n"


def _wait_listening(bouncer: Pgbouncer, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bouncer.process.poll() is not None:
            raise RuntimeError(
                f"pgbouncer exited with {bouncer.process.returncode}:\n{bouncer.log()[-2000:]}"
            )
        with socket.socket() as s:
            if s.connect_ex((bouncer.host, bouncer.port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(
        f"pgbouncer did not listen on {bouncer.port} within {timeout:.0f}s:\n{bouncer.log()[-2000:]}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # immediate shutdown: clients are the tests themselves
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def running_pgbouncer(
    *,
    server_host: str,
    server_port: int,
    users: dict[str, str],
    pool_size: int = 4,
    max_client_conn: int = 200,
    max_prepared_statements: int = 0,
) -> Iterator[Pgbouncer]:
    """PgBouncer in transaction mode in front of `server_host:server_port` for `users`
    (name: plain password, "" for none), with at most `pool_size` server connections."""
    if max_prepared_statements and not keeps_prepared_statements():
        raise RuntimeError(
            f"max_prepared_statements needs PgBouncer {'.'.join(map(str, PREPARED_STATEMENTS_SINCE))}+, "
            f"this is {'.'.join(map(str, pgbouncer_version()))}"
        )
    binary = pgbouncer_binary()
    with tempfile.TemporaryDirectory(prefix="frontline-pgbouncer-") as tmp:
        directory = Path(tmp)
        auth_file = directory / "userlist.txt"
        auth_file.write_text("".join(f"{_quote(name)} {_quote(pw)}\n" for name, pw in users.items()))
        ini = directory / "pgbouncer.ini"
        port = _free_port()
        ini.write_text(
            _config(
                port=port,
                server_host=server_host,
                server_port=server_port,
                auth_file=auth_file,
                admin_user=next(iter(users)),
                with_passwords=all(users.values()),
                pool_size=pool_size,
                max_client_conn=max_client_conn,
                max_prepared_statements=max_prepared_statements,
            )
        )
        command = [binary]
        if os.geteuid() == 0:
            account = pwd.getpwnam(UNPRIVILEGED_USER)
            for path in (directory, auth_file, ini):
                os.chown(path, account.pw_uid, account.pw_gid)
            command += ["-u", UNPRIVILEGED_USER]
        command.append(str(ini))
        with (directory / "pgbouncer.log").open("wb") as log:
            process = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
        bouncer = Pgbouncer(host="127.0.0.1", port=port, directory=directory, process=process)
        try:
            _wait_listening(bouncer)
            yield bouncer
        finally:
            _stop(process)


def pgbouncer_for_app_role(*, pool_size: int, prepared: bool = False) -> Any:
    """`running_pgbouncer` for the app role, in front of the test database's server. The server
    is the owner alias's: it always reaches PostgreSQL directly (the app alias may already
    point at another PgBouncer)."""
    owner, app = settings.DATABASES["owner"], settings.DATABASES["default"]
    return running_pgbouncer(
        server_host=str(owner.get("HOST") or "127.0.0.1"),
        server_port=int(owner.get("PORT") or 5432),
        users={str(app["USER"]): str(app.get("PASSWORD") or "")},
        pool_size=pool_size,
        max_prepared_statements=200 if prepared else 0,
    )


@contextmanager
def app_through_pgbouncer(*, alias: str = "default", pool_size: int = 4) -> Iterator[Pgbouncer]:
    """Point the app role's alias at a PgBouncer in front of its server, configured as an
    operator would run Frontline behind PgBouncer (`FRONTLINE_DB_PGBOUNCER`)."""
    db: dict[str, Any] = settings.DATABASES[alias]
    mode = "prepared" if keeps_prepared_statements() else "transaction"
    with pgbouncer_for_app_role(pool_size=pool_size, prepared=mode == "prepared") as bouncer:
        saved = {key: db.get(key) for key in ("HOST", "PORT", "DISABLE_SERVER_SIDE_CURSORS")}
        saved_options = dict(db["OPTIONS"])
        saved_env = os.environ.get(PGBOUNCER_ENV)
        _close(connections[alias])
        db.update(HOST=bouncer.host, PORT=str(bouncer.port))
        apply_pooler_mode(db, mode)
        # Processes the tests start (Celery workers) read their settings from the environment.
        os.environ[PGBOUNCER_ENV] = mode
        try:
            yield bouncer
        finally:
            _close(connections[alias])
            db.update(saved)
            db["OPTIONS"] = saved_options
            if saved_env is None:
                os.environ.pop(PGBOUNCER_ENV, None)
            else:
                os.environ[PGBOUNCER_ENV] = saved_env


def _close(connection: Any) -> None:
    connection.close()
    close_pool = getattr(connection, "close_pool", None)
    if close_pool:
        close_pool()
