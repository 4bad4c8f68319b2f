"""The event streams survive a Redis restart with the append-only file on, and sockets resume
across it with no gap and no duplicate.

Real processes: a private redis-server (`--appendonly yes --appendfsync always`), a Celery
worker with beat whose relay publishes the outbox to it, and a gateway (`python -m realtime`)
reading it. Redis is stopped with SIGTERM and started again on the same port and directory,
as a service restart does, while tickets keep being created.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import redis

from contracts.events import EventEnvelope, stream_key
from events import registry
from realtime.tests.support import GatewayProcess, events, open_socket, receive_until, token, ws_url
from testing import fault_report, workers
from testing.factories import make_world
from testing.outbox_effects import record_ticket_events, unpublished_count
from testing.workers import kill_group, start_worker, wait_until, worker_env

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.committed, pytest.mark.fault]


def _stream_ids(client: redis.Redis, tenant_id: int) -> list[str]:
    """The stream ids of the tenant's ticket.created entries (its members' events are there too)."""
    return [
        raw.decode()
        for raw, fields in client.xrange(stream_key(tenant_id))
        if fields[b"type"] == b"ticket.created"
    ]


def _event_ids(recorded: list[EventEnvelope]) -> list[str]:
    return [str(e.id) for e in recorded]


def _tickets(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in events(messages) if m["type"] == "ticket.created"]


def _delivered(messages: list[dict[str, Any]]) -> list[str]:
    return [m["event_id"] for m in _tickets(messages)]


def test_streams_survive_a_redis_restart_and_a_reconnect_resumes_without_gap_or_duplicate(
    tmp_path: Path, settings
) -> None:
    registry.subscribers.cache_clear()
    world = make_world("restart")
    with workers.private_redis(settings, tmp_path / "redis") as server:
        client = redis.Redis.from_url(server.url)
        env = worker_env(
            server.url,
            FRONTLINE_MAIL_DIR=str(tmp_path / "mail"),
            FRONTLINE_BEAT_SCHEDULE=str(tmp_path / "beat-schedule"),
        )
        worker = start_worker(env, beat=True, log=tmp_path / "worker.log")
        gateway = GatewayProcess(server.url, FRONTLINE_REALTIME_HEARTBEAT="60")
        agent_token = token(world.tenant.id, world.agent.id)
        url = ws_url(gateway.url, agent_token, topics="inbox")
        loop = asyncio.new_event_loop()  # Django's calls may not run inside the loop: it runs in steps
        try:
            # given two agents' sockets and tickets relayed to the stream
            live = loop.run_until_complete(open_socket(url))
            leaving = loop.run_until_complete(open_socket(url))
            before = record_ticket_events(world, 4)
            assert wait_until(lambda: len(_stream_ids(client, world.tenant.id)) == 4, timeout=30), (
                tmp_path / "worker.log"
            ).read_text()[-3000:]
            kept = _stream_ids(client, world.tenant.id)
            got = loop.run_until_complete(receive_until(leaving, lambda m: m["id"] == kept[-1]))
            assert _delivered(got) == _event_ids(before)
            last_id = _tickets(got)[-1]["id"]
            loop.run_until_complete(leaving.close())  # its agent goes offline

            # when Redis restarts (SIGTERM, started again on its directory) while tickets are created
            assert wait_until(lambda: unpublished_count(world) == 0, timeout=10)
            entries = [raw for raw, _ in client.xrange(stream_key(world.tenant.id))]  # members' events too
            server.stop()
            during = record_ticket_events(world, 3, start=4)
            server.start()
            # then the stream kept its entries, with their ids
            assert client.xlen(stream_key(world.tenant.id)) == len(entries)
            assert [raw for raw, _ in client.xrange(stream_key(world.tenant.id))] == entries
            after = record_ticket_events(world, 3, start=7)
            # (the events of the outage reach the stream through the beat's outbox sweep)
            assert wait_until(lambda: len(_stream_ids(client, world.tenant.id)) >= 10, timeout=40), (
                tmp_path / "worker.log"
            ).read_text()[-3000:]
            assert wait_until(lambda: unpublished_count(world) == 0, timeout=10)
            stream = _stream_ids(client, world.tenant.id)
            assert stream[:4] == kept
            assert len(stream) == 10, "each event in the stream once"

            # and the agent reconnecting with its last id gets what came after, once, in order
            back = loop.run_until_complete(
                open_socket(ws_url(gateway.url, agent_token, topics="inbox", last_id=last_id))
            )
            resumed = loop.run_until_complete(
                receive_until(back, lambda m: m["id"] == stream[-1], timeout=15)
            )
            assert [m["id"] for m in _tickets(resumed)] == stream[4:]
            assert sorted(_delivered(resumed)) == sorted(_event_ids(during + after))
            assert not [m for m in resumed if m["type"] == "realtime.resync"]
            # and the socket that stayed open through the restart got every event once
            stayed = loop.run_until_complete(receive_until(live, lambda m: m["id"] == stream[-1], timeout=15))
            # Socket events by id: the socket that stayed open, and the one that left and resumed.
            everything = _event_ids(before + during + after)
            fault_report.assert_exactly_once(
                "b. Redis stop/start",
                "socket events",
                produced={f"{n}:{e}" for n in (0, 1) for e in everything},
                delivered=[f"0:{e}" for e in _delivered(stayed)]
                + [f"1:{e}" for e in _delivered(got) + _delivered(resumed)],
                note="one socket stayed open, one resumed by last id",
            )
            assert sorted(_delivered(stayed)) == sorted(_event_ids(before + during + after))
            assert [m["id"] for m in _tickets(stayed)] == stream
            assert not [m for m in stayed if m["type"] == "realtime.resync"]
            for ws in (live, back):
                loop.run_until_complete(ws.close())
        finally:
            loop.close()
            gateway.stop()
            kill_group(worker, sig=15)
