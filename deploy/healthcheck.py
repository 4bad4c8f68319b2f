"""The container's HEALTHCHECK: ask the running role's own health endpoint (stdlib only, fast start).

The role is read from the container's main command line (`scripts/serve.py <role> ...`, found
among the first processes so an init such as tini may sit in front) or FRONTLINE_ROLE. Exit 0
when healthy, 1 with one line saying why when not. Roles without an HTTP endpoint (worker, beat,
migrate) report healthy while their process runs: Celery's own heartbeat is watched by /healthz.
"""

from __future__ import annotations

import os
import socket
import sys
import urllib.error
import urllib.request
from pathlib import Path

ENTRYPOINT = "scripts/serve.py"
# role -> (port variable, default port, path); smtp is checked by a TCP connect.
HTTP_CHECKS = {
    "web": ("FRONTLINE_WEB_PORT", 8000, "/healthz"),
    "ai": ("FRONTLINE_AI_PORT", 8001, "/healthz"),
    "realtime": ("FRONTLINE_REALTIME_PORT", 8002, "/healthz"),
}


def role_of(cmdline: list[str]) -> str | None:
    """The argument after scripts/serve.py in a command line."""
    for index, arg in enumerate(cmdline[:-1]):
        if arg.endswith(ENTRYPOINT):
            return cmdline[index + 1]
    return None


def running_role() -> str | None:
    if os.environ.get("FRONTLINE_ROLE"):
        return os.environ["FRONTLINE_ROLE"]
    for pid in ("1", "2", "3", "4", "5", "6", "7", "8"):
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        role = role_of([part.decode(errors="replace") for part in raw.split(b"\0") if part])
        if role:
            return role
    return None


def check(role: str | None) -> str | None:
    """None when healthy, else the reason."""
    if role in HTTP_CHECKS:
        variable, default, path = HTTP_CHECKS[role]
        port = int(os.environ.get(variable, default))
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            # Core only answers hosts it serves, and redirects plain HTTP unless told it came over TLS.
            headers={
                "Host": os.environ.get("FRONTLINE_BASE_DOMAIN", "localhost"),
                "X-Forwarded-Proto": "https",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310  # loopback only
                return None if response.status == 200 else f"{role}: {path} answered {response.status}"
        except urllib.error.HTTPError as exc:
            return f"{role}: {path} answered {exc.code}"
        except OSError as exc:
            return f"{role}: {path} unreachable on port {port} ({exc})"
    if role == "smtp":
        port = int(os.environ.get("FRONTLINE_SMTP_PORT", "2525"))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=4):
                return None
        except OSError as exc:
            return f"smtp: port {port} unreachable ({exc})"
    return None


def main() -> int:
    problem = check(running_role())
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
