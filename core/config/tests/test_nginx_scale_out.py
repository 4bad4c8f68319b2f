"""Scale-out through a real nginx: two web nodes, two realtime gateways, one relay worker.

Everything runs as in production (`scripts/serve.py` roles with FRONTLINE_ENV=production,
nginx on deploy/nginx/frontline.conf.template with TLS). nginx terminates TLS and sets
X-Forwarded-Proto, so the web nodes see secure requests and their HTTPS redirect, secure
cookies and wss:// token origins are the production ones, not switched off for the test.

A socket opened through nginx lands on one gateway; tickets created on web B reach it through
the outbox relay and the tenant's stream. That gateway is SIGKILLed; the client reconnects
through nginx (to the other gateway) with its last stream id, while tickets keep being created,
and gets every ticket once, in stream order.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import ssl
import subprocess
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from accounts.services.users import api_token_create
from contracts.events import stream_key
from realtime.tests.support import events, open_socket, receive_until
from tenancy.context import tenant_context
from testing import serve
from testing.factories import TenantWorld, make_world
from testing.nginx import Nginx, start_nginx
from testing.workers import free_port

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.committed]


@dataclass
class Node:
    role: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    def connections(self) -> int:
        """A gateway's open sockets, from its own /healthz (one process per gateway here)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=3) as response:
            return int(json.load(response)["connections"])


@dataclass
class Cluster:
    web: list[Node]
    gateways: list[Node]
    proxy: Nginx
    tls: ssl.SSLContext
    host: str
    api_token: str

    def _call(self, url: str, method: str, body: dict[str, Any] | None, **headers: str) -> Any:
        request = urllib.request.Request(
            url,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Host": self.host, "Authorization": f"Bearer {self.api_token}"}
            | ({"Content-Type": "application/json"} if body is not None else {})
            | headers,
        )
        context = self.tls if url.startswith("https:") else None
        with urllib.request.urlopen(request, timeout=15, context=context) as response:
            return json.load(response)

    def via_nginx(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return self._call(self.proxy.url(path), method, body)

    def on_web(self, node: Node, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Straight to one web node, with the headers nginx would add in front of it."""
        url = f"http://127.0.0.1:{node.port}{path}"
        return self._call(url, method, body, **{"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"})

    def socket_url(self, last_id: str | None = None) -> str:
        token = self.via_nginx("POST", "/api/v1/realtime/token")["token"]
        return self.proxy.ws_url(
            f"/ws?token={token}&topics=inbox" + (f"&last_id={last_id}" if last_id else "")
        )

    async def open(self, last_id: str | None = None) -> ClientConnection:
        return await open_socket(self.socket_url(last_id), origin=f"https://{self.host}", ssl=self.tls)

    def holder(self) -> Node:
        holding = [g for g in self.gateways if g.proc.poll() is None and g.connections() > 0]
        assert len(holding) == 1, [(g.port, g.proc.poll()) for g in self.gateways]
        return holding[0]


def _start(env: dict[str, str], role: str, tmp_path: Path, *args: str) -> Node:
    port = free_port()
    log = tmp_path / f"{role}-{port}.log"
    return Node(role, port, serve.start_role(env, role, "--port", str(port), *args, log=log), log)


def _wait_up(node: Node, path: str) -> None:
    try:
        status = serve.wait_http(f"http://127.0.0.1:{node.port}{path}", timeout=60)
    except TimeoutError:
        status = None
    assert status == 200, (node.role, status, node.log.read_text()[-3000:])


@pytest.fixture
def world() -> TenantWorld:
    created = make_world("scale")
    redis.Redis.from_url(settings.REDIS_URL).delete(stream_key(created.tenant.id))
    return created


@pytest.fixture
def cluster(world: TenantWorld, tmp_path: Path) -> Iterator[Cluster]:
    with tenant_context(world.tenant.id):
        _, api_token = api_token_create(tenant=world.tenant, membership=world.agent, name="scale-out")
    # Queues of this run's own (the web nodes' kicks, the relay's follow-up tasks), so nothing
    # it leaves behind reaches another test's worker on the same Redis.
    prefix = f"frontline-test-{uuid.uuid4().hex[:12]}."
    env = serve.production_env(
        settings.REDIS_URL,
        tmp_path / "data",
        FRONTLINE_CELERY_QUEUE_PREFIX=prefix,
        # Static files are not what this test is about; collecting them twice at once would race.
        FRONTLINE_COLLECTSTATIC="0",
        FRONTLINE_STATIC_ROOT=str(tmp_path / "static"),
    )
    (tmp_path / "static").mkdir()
    nodes = [_start(env, "web", tmp_path, "--workers", "1", "--threads", "2") for _ in range(2)]
    nodes += [_start(env, "realtime", tmp_path, "--workers", "1") for _ in range(2)]
    worker_log = tmp_path / "worker.log"
    worker = serve.start_role(env, "worker", "--queues", "default", "--concurrency", "1", log=worker_log)
    proxy = None
    try:
        for node in nodes:
            _wait_up(node, "/readyz" if node.role == "web" else "/healthz")
        web, gateways = nodes[:2], nodes[2:]
        proxy = start_nginx(
            tmp_path, web_ports=[n.port for n in web], realtime_ports=[n.port for n in gateways], tls=True
        )
        assert proxy.cert_path is not None
        tls = ssl.create_default_context(cafile=str(proxy.cert_path))
        yield Cluster(web, gateways, proxy, tls, f"{world.tenant.slug}.{settings.BASE_DOMAIN}", api_token)
    finally:
        if proxy is not None:
            proxy.stop()
        for proc in [worker, *(n.proc for n in nodes)]:
            serve.stop(proc)
        broker = redis.Redis.from_url(settings.REDIS_URL)
        broker.delete(*(f"{prefix}{q}" for q in settings.CELERY_QUEUES_BY_PURPOSE))


def _tickets(messages: list[dict[str, Any]]) -> list[int]:
    return [m["data"]["ticket_id"] for m in events(messages) if m["type"] == "ticket.created"]


def _stream_pos(stream_id: str) -> tuple[int, int]:
    ms, seq = stream_id.split("-")
    return int(ms), int(seq)


async def _until_closed(ws: ClientConnection, timeout: float = 15) -> None:
    async with asyncio.timeout(timeout):
        try:
            while True:
                await ws.recv()
        except ConnectionClosed:
            return


def test_a_socket_moves_to_the_other_gateway_and_resumes_without_gap_or_duplicate(cluster, world):
    web_b = cluster.web[1]

    def create(count: int, *, through: Node | None) -> list[int]:
        ids = []
        for n in range(count):
            body = {
                "subject": f"Scale-out ticket {n}",
                "body_text": "hello",
                "requester_id": world.customer.id,
            }
            ticket = (
                cluster.on_web(through, "POST", "/api/v1/tickets", body)
                if through
                else cluster.via_nginx("POST", "/api/v1/tickets", body)
            )
            ids.append(ticket["id"])
        return ids

    def last_ticket(ids: list[int]) -> Any:
        return lambda m: m["type"] == "ticket.created" and m["data"]["ticket_id"] == ids[-1]

    loop = asyncio.new_event_loop()  # Django's calls may not run inside the loop: it runs in steps
    try:
        # given a socket through nginx, held by one of the gateways (call it A)
        first = loop.run_until_complete(cluster.open())
        gateway_a = cluster.holder()
        # when tickets are created on web B, the socket on A receives them
        on_b = create(3, through=web_b)
        before = loop.run_until_complete(receive_until(first, last_ticket(on_b), timeout=30))
        assert _tickets(before) == on_b
        last_id = events(before)[-1]["id"]

        # when gateway A is SIGKILLed, the socket drops; tickets keep being created meanwhile
        os.killpg(gateway_a.proc.pid, signal.SIGKILL)
        gateway_a.proc.wait(10)
        loop.run_until_complete(_until_closed(first))
        during = create(2, through=None) + create(2, through=web_b)

        # then the client reconnects through nginx, lands on gateway B and resumes from its last id
        second = loop.run_until_complete(cluster.open(last_id=last_id))
        gateway_b = next(g for g in cluster.gateways if g is not gateway_a)
        assert gateway_b.connections() == 1
        after = create(2, through=web_b)
        resumed = loop.run_until_complete(receive_until(second, last_ticket(after), timeout=30))
        loop.run_until_complete(second.close())
    finally:
        loop.close()

    # and across both sockets every ticket came once, in stream order, nothing skipped
    assert _tickets(before) + _tickets(resumed) == on_b + during + after
    received = [m["id"] for m in events(before) + events(resumed)]
    assert received == sorted(set(received), key=_stream_pos), "stream order, no entry twice"
    # (entries this agent may not see, like another member's notifications, are not sent)
    stream = redis.Redis.from_url(settings.REDIS_URL).xrange(stream_key(world.tenant.id), min=received[0])
    created = [raw.decode() for raw, fields in stream if fields[b"type"] == b"ticket.created"]
    assert [m["id"] for m in events(before) + events(resumed) if m["type"] == "ticket.created"] == created
    assert not [m for m in resumed if m["type"] == "realtime.resync"]
