"""The real running stack for end-to-end browser tests: gunicorn, a Celery worker, the realtime gateway.

All three are separate processes, started as the Procfile starts them, pointed at the test
database (as the owner URL, from which core derives the app role as usual) and the test
Redis. Logs go to `test-output/e2e/<name>.log`, so a failing run can be read afterwards.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

E2E_OUTPUT = Path(settings.REPO_DIR) / "test-output" / "e2e"
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _url_for(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


def _wait_http(url: str, proc: subprocess.Popen[bytes], name: str, timeout: float = 90) -> None:
    """Any HTTP answer means the server is up (health may say 503 while a dependency warms up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}; see {E2E_OUTPUT / name}.log")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"{name} did not answer on {url} within {timeout:.0f}s")


@contextmanager
def _process(name: str, args: list[str], env: dict[str, str], cwd: Path) -> Iterator[subprocess.Popen[bytes]]:
    E2E_OUTPUT.mkdir(parents=True, exist_ok=True)
    with (E2E_OUTPUT / f"{name}.log").open("wb") as log:
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)


@dataclass
class Stack:
    web_port: int
    realtime_port: int

    def url(self, slug: str, path: str = "/") -> str:
        return f"http://{slug}.{settings.BASE_DOMAIN}:{self.web_port}{path}"


@contextmanager
def running_stack() -> Iterator[Stack]:
    """Core under gunicorn, a Celery worker (the outbox relay and subscribers) and the gateway."""
    stack = Stack(web_port=free_port(), realtime_port=free_port())
    repo = Path(settings.REPO_DIR)
    env = {
        **os.environ,
        "DATABASE_URL": _url_for(os.environ["DATABASE_URL"], settings.DATABASES["owner"]["NAME"]),
        "REDIS_URL": settings.REDIS_URL,
        "FRONTLINE_ENV": "test",
        "FRONTLINE_WEB_PORT": str(stack.web_port),
        "FRONTLINE_REALTIME_PORT": str(stack.realtime_port),
        "FRONTLINE_REALTIME_SECRET": settings.REALTIME_SECRET,
        "PYTHONPATH": f"{repo}{os.pathsep}{repo / 'core'}",
    }
    if os.environ.get("DATABASE_APP_URL"):
        env["DATABASE_APP_URL"] = _url_for(
            os.environ["DATABASE_APP_URL"], settings.DATABASES["default"]["NAME"]
        )
    with ExitStack() as stack_of_processes:
        gateway = stack_of_processes.enter_context(
            _process(
                "realtime",
                [sys.executable, "-m", "realtime", "--port", str(stack.realtime_port)],
                env,
                repo,
            )
        )
        stack_of_processes.enter_context(
            _process(
                "worker",
                [
                    str(VENV_BIN / "celery"),
                    "-A",
                    "config",
                    "worker",
                    "--loglevel",
                    "INFO",
                    "--concurrency",
                    "2",
                    "--hostname",
                    f"e2e-{stack.web_port}@%h",
                ],
                env,
                repo / "core",
            )
        )
        web = stack_of_processes.enter_context(
            _process(
                "web",
                [
                    str(VENV_BIN / "gunicorn"),
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{stack.web_port}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--timeout",
                    "120",
                ],
                env,
                repo / "core",
            )
        )
        _wait_http(f"http://127.0.0.1:{stack.realtime_port}/healthz", gateway, "realtime")
        _wait_http(f"http://127.0.0.1:{stack.web_port}/healthz", web, "web")
        yield stack
