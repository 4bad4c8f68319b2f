"""Run `scripts/serve.py` roles as real processes in production mode against the test database."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from testing.workers import REPO, worker_env

SERVE = REPO / "scripts" / "serve.py"


def production_env(redis_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """What an operator sets: production mode, a strong secret, the test database as owner + app role."""
    env = worker_env(redis_url)
    env.update(
        FRONTLINE_ENV="production",
        FRONTLINE_SECRET_KEY=secrets.token_urlsafe(50),
        FRONTLINE_AI_TOKEN=secrets.token_urlsafe(16),
        FRONTLINE_DATA_DIR=str(data_dir),
        FRONTLINE_LOG_LEVEL="warning",
        FRONTLINE_DB_POOL="1",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra)
    return env


def run_role(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """A role that should exit (migrate, check, or one that refuses), with its output."""
    return subprocess.run(
        [sys.executable, str(SERVE), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_role(env: dict[str, str], *args: str, log: Path | None = None) -> subprocess.Popen[bytes]:
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child holds it
    return subprocess.Popen(
        [sys.executable, str(SERVE), *args], env=env, stdout=out, stderr=out, start_new_session=True
    )


def wait_http(url: str, timeout: float = 40, host: str = "localhost") -> int:
    """Poll until the URL answers (any HTTP status); returns the status."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        request = urllib.request.Request(url, headers={"Host": host})  # noqa: S310 - our own server
        try:
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - our own server
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except OSError as exc:
            last = exc
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer in {timeout} s ({last})")


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 40) -> int:
    """Signal the role's main process only (as an orchestrator does); SIGKILL the group if it hangs."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    return int(proc.returncode)
