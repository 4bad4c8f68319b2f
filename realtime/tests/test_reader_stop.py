"""A stopped tenant reader ends, even when redis-py swallows the cancellation of its command.

redis-py (8.1) sometimes drops a task's cancellation while a command is on its way (seen
with the XREAD of a reader, and with the stream-head read of one stopped while starting: a
socket that closes right after opening). A reader relying on the cancel alone then read on
forever, or crashed setting an already-failed start future.
"""

from __future__ import annotations

import asyncio
import random

import pytest
import redis.asyncio as aioredis

from realtime import hub
from realtime.config import Settings
from realtime.tests.support import SECRET, new_tenant_id, redis_url

BLOCK_MS = 200  # the readers' XREAD block, short here so that a swallowed cancel costs little


def test_stopped_readers_all_end_within_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hub, "BLOCK_MS", BLOCK_MS)
    settings = Settings(redis_url=redis_url(), secret=SECRET)

    async def scenario() -> None:
        # The gateway's stream client options (realtime/gateway.py).
        client = aioredis.Redis.from_url(
            redis_url(), socket_timeout=10, socket_connect_timeout=2, health_check_interval=30
        )
        tenant = new_tenant_id()
        try:
            # Several stops in sixty hit the window: stop enough readers to see it.
            for attempt in range(60):
                reader = hub.TenantReader(tenant, client, settings)
                await asyncio.sleep(random.random() * 0.003)  # starting, or inside its first XREAD
                task = reader.stop()
                done, _ = await asyncio.wait({task}, timeout=BLOCK_MS / 1000 + 1)
                assert done, f"reader {attempt} was stopped but still reads"
                assert task.cancelled() or task.exception() is None, task.exception()
        finally:
            await client.aclose()

    asyncio.run(scenario())
