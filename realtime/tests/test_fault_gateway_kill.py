"""Fault suite (f): the realtime gateway killed with SIGKILL while agents' sockets are open and
tickets keep coming; the clients reconnect with their last event id and resume with no gap and
no duplicate.

Real processes: a Celery worker relays the outbox to the tenant's stream on the test Redis, a
gateway (`python -m realtime`) serves the sockets. The clients behave as the portal's does
(docs/api/realtime.md): on a dropped socket they reconnect, with `last_id` set to the id of the
last event they got. The new gateway listens on the killed one's port, as a restarted service.
"""

from __future__ import annotations

import asyncio
import json
import signal
import threading
from dataclasses import dataclass, field
from typing import Any

import pytest
import redis
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from contracts.events import stream_key
from realtime.tests.support import GatewayProcess, open_socket, token, ws_url
from testing import fault_report
from testing.factories import make_member
from testing.fault_stack import broker_reset, lean_world, unpublished
from testing.outbox_effects import record_ticket_events
from testing.workers import kill_group, start_worker, wait_until, worker_env

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.committed, pytest.mark.fault]
SCENARIO = "f. gateway SIGKILL, 6 sockets"
N_CLIENTS = 6
PER_PHASE = 10


@dataclass
class ResumingClient:
    """A socket client that reconnects after a drop with the last event id it got."""

    url: str
    got: list[dict[str, Any]] = field(default_factory=list)
    connects: int = 0
    resyncs: int = 0

    @property
    def last_id(self) -> str | None:
        return self.got[-1]["id"] if self.got else None

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                last = f"&last_id={self.last_id}" if self.last_id else ""
                ws = await open_socket(self.url + last)
            except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError, AssertionError):
                # The gateway is not back yet: refused, or (while the killed one's port is taken
                # over) accepted and closed before the HTTP status line.
                await asyncio.sleep(0.1)
                continue
            self.connects += 1
            try:
                while not stop.is_set():
                    try:
                        message = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
                    except TimeoutError:
                        continue
                    if message["type"] == "realtime.resync":
                        self.resyncs += 1
                    elif message["id"] is not None and message["type"] == "ticket.created":
                        self.got.append(message)
            except ConnectionClosed:
                continue
            finally:
                await ws.close()


def _stream_ticket_ids(client: redis.Redis, tenant_id: int) -> list[str]:
    return [
        raw.decode()
        for raw, fields in client.xrange(stream_key(tenant_id))
        if fields[b"type"] == b"ticket.created"
    ]


def test_gateway_killed_with_sockets_open_clients_resume_without_gap_or_duplicate(tmp_path, settings):
    world = lean_world(settings, "sockets")
    agents = [world.agent, *(make_member(world.tenant) for _ in range(N_CLIENTS - 1))]
    stream = redis.Redis.from_url(settings.REDIS_URL)
    env = worker_env(settings.REDIS_URL, FRONTLINE_MAIL_DIR=str(tmp_path / "mail"))
    broker_reset(settings.REDIS_URL)
    worker = start_worker(env, log=tmp_path / "worker.log")
    gateway = GatewayProcess(settings.REDIS_URL, FRONTLINE_REALTIME_HEARTBEAT="60")
    clients = [
        ResumingClient(ws_url(gateway.url, token(world.tenant.id, a.id), topics="inbox")) for a in agents
    ]
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    async def serve_clients() -> None:
        await asyncio.gather(*(c.run(stop) for c in clients))

    runner = threading.Thread(target=loop.run_until_complete, args=(serve_clients(),), daemon=True)
    runner.start()
    try:
        assert wait_until(lambda: all(c.connects == 1 for c in clients), timeout=30)
        recorded = record_ticket_events(world, PER_PHASE)
        assert wait_until(lambda: all(len(c.got) >= PER_PHASE // 2 for c in clients), timeout=60), (
            tmp_path / "worker.log"
        ).read_text()[-3000:]
        gateway.stop(sig=signal.SIGKILL)  # mid-stream: sockets drop without a close frame
        recorded += record_ticket_events(world, PER_PHASE, start=PER_PHASE)  # while it is down
        gateway = GatewayProcess(settings.REDIS_URL, port=gateway.port, FRONTLINE_REALTIME_HEARTBEAT="60")
        recorded += record_ticket_events(world, PER_PHASE, start=2 * PER_PHASE)
        total = 3 * PER_PHASE
        assert wait_until(lambda: unpublished(world) == 0, timeout=60)
        assert wait_until(lambda: len(_stream_ticket_ids(stream, world.tenant.id)) >= total, timeout=30)
        assert wait_until(lambda: all(len(c.got) >= total for c in clients), timeout=30), [
            len(c.got) for c in clients
        ]
        loop.call_soon_threadsafe(stop.set)
        runner.join(10)
        stream_ids = _stream_ticket_ids(stream, world.tenant.id)
        event_ids = {str(e.id) for e in recorded}
        fault_report.assert_exactly_once(
            SCENARIO,
            "socket events",
            produced={f"{n}:{e}" for n in range(N_CLIENTS) for e in event_ids},
            delivered=[f"{n}:{m['event_id']}" for n, c in enumerate(clients) for m in c.got],
            note=f"{sum(c.connects for c in clients) - N_CLIENTS} reconnects, "
            f"{sum(c.resyncs for c in clients)} resyncs",
        )
        for client in clients:
            assert [m["id"] for m in client.got] == stream_ids, "in stream order, no gap"
            assert client.connects >= 2 and client.resyncs == 0
    finally:
        loop.call_soon_threadsafe(stop.set)
        runner.join(10)
        if not runner.is_alive():
            loop.close()
        gateway.stop()
        kill_group(worker, sig=15)
        broker_reset(settings.REDIS_URL)
