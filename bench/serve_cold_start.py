"""Cold `make serve` on a fresh clone: time to ready, memory per process, time to stop.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/serve_cold_start.py

Clones this checkout (its committed HEAD) into a temporary folder, creates an empty database
beside DATABASE_URL's, runs `make serve` there with a fresh secret, and prints:
  - seconds until `make serve` has installed what is missing (venv, portal build),
  - seconds until /readyz answers 200 (migrations applied, every role started),
  - resident memory of each role's processes once ready,
  - seconds from SIGTERM to every process gone (graceful drain).
`--reuse-venv` links this checkout's .venv and portal/node_modules into the clone, to time
the serve part alone (what a container start costs, where the image holds the install).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
ROLE_MARKERS = {
    "web (gunicorn)": "gunicorn",
    "realtime": "-m realtime",
    "ai (uvicorn)": "uvicorn",
    "beat": " beat",
    "smtp": "smtp_receiver",
    "workers (celery)": " worker ",
}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ready(port: int) -> bool:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/readyz", headers={"Host": "localhost"})
    try:
        with urllib.request.urlopen(request, timeout=1) as response:  # noqa: S310 - our own server
            return response.status == 200
    except OSError:
        return False


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children[int(fields[1])].append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for child in children.get(current, []):
            found.append(child)
            todo.append(child)
    return found


def rss_by_role(pid: int) -> dict[str, tuple[int, float]]:
    totals: dict[str, list[float]] = defaultdict(list)
    for child in descendants(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            rss_kb = next(
                int(line.split()[1])
                for line in Path(f"/proc/{child}/status").read_text().splitlines()
                if line.startswith("VmRSS:")
            )
        except (OSError, StopIteration):
            continue
        for role, marker in ROLE_MARKERS.items():
            if marker in cmdline:
                totals[role].append(rss_kb / 1024)
                break
    return {role: (len(values), sum(values)) for role, values in totals.items()}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reuse-venv", action="store_true")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    owner_url = os.environ.get("DATABASE_URL")
    if not owner_url or not os.environ.get("REDIS_URL"):
        raise SystemExit(
            "Set DATABASE_URL (owner role) and REDIS_URL: the cold start is measured against them"
        )
    parts = urlsplit(owner_url)
    name = f"frontline_cold_{secrets.token_hex(3)}"
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    web_port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "frontline"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        if args.reuse_venv:
            (clone / ".venv").symlink_to(ROOT / ".venv")
            (clone / "portal" / "node_modules").symlink_to(ROOT / "portal" / "node_modules")
        env = {
            **os.environ,
            "DATABASE_URL": urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, "")),
            "FRONTLINE_SECRET_KEY": secrets.token_urlsafe(50),
            "FRONTLINE_AI_TOKEN": secrets.token_urlsafe(16),
            "FRONTLINE_WEB_PORT": str(web_port),
            "FRONTLINE_AI_PORT": str(free_port()),
            "FRONTLINE_REALTIME_PORT": str(free_port()),
            "FRONTLINE_SMTP_PORT": str(free_port()),
            "FRONTLINE_CACHE_PREFIX": name,
            "FRONTLINE_CELERY_QUEUE_PREFIX": f"{name}.",
        }
        log = Path(tmp) / "serve.log"
        started = time.monotonic()
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                ["make", "serve"], cwd=clone, env=env, stdout=out, stderr=out, start_new_session=True
            )
        installed_at = migrated_at = None
        try:
            while not ready(web_port):
                text = log.read_text(errors="replace")
                if installed_at is None and "serve.py migrate:" in text:
                    installed_at = time.monotonic() - started
                if migrated_at is None and "the database is up to date" in text:
                    migrated_at = time.monotonic() - started
                if proc.poll() is not None or time.monotonic() - started > args.timeout:
                    print(text[-3000:])
                    raise SystemExit("make serve did not become ready")
                time.sleep(0.2)
            ready_at = time.monotonic() - started
            time.sleep(3)  # let every role finish booting before reading memory
            memory = rss_by_role(proc.pid)
            processes = descendants(proc.pid)
            stop_started = time.monotonic()
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=120)
            # make exits first; the drain is over when the last role process is gone.
            while any(Path(f"/proc/{pid}").exists() for pid in processes):
                if time.monotonic() - stop_started > 120:
                    break
                time.sleep(0.05)
            stopped_in = time.monotonic() - stop_started
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    kind = "reused venv and node_modules" if args.reuse_venv else "fresh install"
    print(f"\ncold `make serve` on a fresh clone ({kind}); load average {os.getloadavg()[0]:.1f}\n")
    print(f"{'step':<40} {'seconds':>8}")
    print(f"{'install + portal build done':<40} {installed_at or 0:>8.1f}")
    print(f"{'migrations applied':<40} {migrated_at or 0:>8.1f}")
    print(f"{'/readyz 200 (every role up)':<40} {ready_at:>8.1f}")
    print(f"{'SIGTERM to all stopped':<40} {stopped_in:>8.1f}")
    print(f"\n{'role':<20} {'processes':>9} {'RSS MiB':>9}")
    for role, (count, mib) in sorted(memory.items()):
        print(f"{role:<20} {count:>9} {mib:>9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
