"""One stream reader per tenant per process, fanning each entry out to that tenant's sockets."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

import redis.asyncio as aioredis
from pydantic import ValidationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from contracts.events import EventEnvelope, stream_key
from contracts.realtime import ControlType, client_message, control, encode, may_see
from realtime.config import Settings
from realtime.connection import Connection, StreamPos, format_stream_id, parse_stream_id

log = logging.getLogger("realtime.hub")

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
BLOCK_MS = 5000


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def stream_head(redis: aioredis.Redis, tenant_id: int) -> StreamPos:
    """The newest entry's id, or 0-0 for an empty (or missing) stream."""
    newest = await redis.xrevrange(stream_key(tenant_id), count=1)
    return parse_stream_id(_text(newest[0][0])) if newest else (0, 0)


async def stream_has(redis: aioredis.Redis, tenant_id: int, pos: StreamPos) -> bool:
    sid = format_stream_id(pos)
    return bool(await redis.xrange(stream_key(tenant_id), min=sid, max=sid, count=1))


class Backoff:
    """Exponential backoff with jitter, for reconnecting to Redis."""

    def __init__(self, maximum: float) -> None:
        self.maximum = maximum
        self.delay = 0.05

    async def wait(self) -> None:
        await asyncio.sleep(self.delay * (0.5 + random.random()))
        self.delay = min(self.delay * 2, self.maximum)

    def reset(self) -> None:
        self.delay = 0.05


class TenantReader:
    """Reads one tenant's stream from where it started and offers each entry to its sockets."""

    def __init__(self, tenant_id: int, redis: aioredis.Redis, settings: Settings) -> None:
        self.tenant_id = tenant_id
        self.redis = redis
        self.settings = settings
        self.connections: set[Connection] = set()
        self.pos: StreamPos = (0, 0)
        self._ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._stopped = False
        self._task = asyncio.create_task(self._run(), name=f"stream-reader-{tenant_id}")

    async def ready(self) -> None:
        """Returns once the reader knows its start position; entries after it will be offered."""
        await asyncio.shield(self._ready)

    def stop(self) -> asyncio.Task[None]:
        # The flag as well as the cancel: redis-py (8.1, like redis/redis-py#2028) sometimes
        # swallows the cancellation of a blocking XREAD and returns its empty reply when the block
        # ends. Cancelled alone, such a reader went on reading forever (it held its connection and
        # hung the gateway's shutdown, seen in the nginx scale-out test); with the flag it ends then.
        self._stopped = True
        self._task.cancel()
        if not self._ready.done():
            self._ready.set_exception(ConnectionError("reader stopped"))
            self._ready.exception()  # mark retrieved
        return self._task

    async def _run(self) -> None:
        backoff = Backoff(self.settings.redis_backoff_max_seconds)
        lost_redis = False
        while not self._stopped:
            try:
                if not self._ready.done():
                    self.pos = await stream_head(self.redis, self.tenant_id)
                    if not self._ready.done():  # stop() may have come (and been swallowed) meanwhile
                        self._ready.set_result(None)
                elif lost_redis:
                    await self._check_continuity()
                lost_redis = False
                await self._read_once()
                backoff.reset()
            except asyncio.CancelledError:
                raise
            except REDIS_DOWN as exc:
                if not lost_redis:
                    log.warning(
                        "tenant %s: Redis unavailable (%s); retrying with backoff", self.tenant_id, exc
                    )
                lost_redis = True
                if not self._ready.done():
                    self._ready.set_exception(ConnectionError("Redis unavailable"))
                    self._ready.exception()
                    return
                await backoff.wait()

    async def _check_continuity(self) -> None:
        """After Redis came back: if our position is gone the stream was lost, so clients must resync."""
        if self.pos != (0, 0) and not await stream_has(self.redis, self.tenant_id, self.pos):
            log.warning("tenant %s: stream lost its entries across the Redis outage", self.tenant_id)
            text = encode(
                control(ControlType.RESYNC, reason="stream_reset", resume_from=format_stream_id(self.pos))
            )
            for conn in list(self.connections):
                conn.offer_control(text)

    async def _read_once(self) -> None:
        key = stream_key(self.tenant_id)
        # A batch is fanned out in one go, so it must fit in a socket's queue with room to spare;
        # between batches the loop lets the senders write.
        count = max(1, min(self.settings.reader_batch, self.settings.send_queue_size // 2))
        response: Any = await self.redis.xread({key: format_stream_id(self.pos)}, count=count, block=BLOCK_MS)
        for _key, entries in response or ():
            for raw_id, fields in entries:
                stream_id = _text(raw_id)
                self.pos = parse_stream_id(stream_id)
                self.fan_out(stream_id, self.pos, fields)
        await asyncio.sleep(0)

    def fan_out(
        self,
        stream_id: str,
        pos: StreamPos,
        fields: dict[Any, Any],
        only: Connection | None = None,
    ) -> None:
        """Offer an entry to each socket that subscribed to and may see it (replay: just `only`)."""
        try:
            envelope = EventEnvelope.from_stream_fields(fields)
        except (ValidationError, ValueError):
            log.error(
                "tenant %s: stream entry %s is not an event envelope; skipped", self.tenant_id, stream_id
            )
            return
        if envelope.tenant_id != self.tenant_id:
            log.error(
                "tenant %s: entry %s names tenant %s; skipped", self.tenant_id, stream_id, envelope.tenant_id
            )
            return
        texts: dict[bool, str] = {}
        for conn in self.connections if only is None else (only,):
            if not conn.wants(envelope) or not may_see(envelope, conn.claims):
                continue
            staff = conn.claims.is_staff
            text = texts.get(staff)
            if text is None:
                text = texts[staff] = encode(client_message(stream_id, envelope, for_staff=staff))
            conn.offer_entry(pos, text, replayed=only is not None)


class Hub:
    """The process's tenant readers: started by the first socket of a tenant, stopped after the last."""

    def __init__(self, redis: aioredis.Redis, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings
        self.readers: dict[int, TenantReader] = {}
        self._stopping: set[asyncio.Task[None]] = set()  # cancelled readers not finished yet

    async def add(self, conn: Connection) -> None:
        tenant_id = conn.claims.tenant_id
        reader = self.readers.get(tenant_id)
        if reader is None:
            reader = self.readers[tenant_id] = TenantReader(tenant_id, self.redis, self.settings)
        reader.connections.add(conn)
        try:
            await reader.ready()
        except BaseException:
            self.remove(conn)
            raise

    def remove(self, conn: Connection) -> None:
        reader = self.readers.get(conn.claims.tenant_id)
        if reader is None:
            return
        reader.connections.discard(conn)
        if not reader.connections:
            task = reader.stop()
            self._stopping.add(task)
            task.add_done_callback(self._stopping.discard)
            del self.readers[conn.claims.tenant_id]

    def connections(self) -> list[Connection]:
        return [conn for reader in self.readers.values() for conn in reader.connections]

    def tenant_connections(self, tenant_id: int) -> set[Connection]:
        reader = self.readers.get(tenant_id)
        return reader.connections if reader else set()

    async def stop(self) -> None:
        """Cancel every reader and wait for them, before their Redis connections are closed."""
        tasks = {reader.stop() for reader in self.readers.values()} | self._stopping
        self.readers.clear()
        if tasks:
            # A reader whose cancellation redis-py swallowed ends when its XREAD block does; one
            # stuck on a silent Redis must not hold the shutdown beyond that (closing the pool
            # then ends its read).
            await asyncio.wait(tasks, timeout=BLOCK_MS / 1000 + 1)
