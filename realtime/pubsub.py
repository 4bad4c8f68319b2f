"""A Redis pub/sub subscription that outlives Redis restarts: the gateway's presence and
revocation listeners each keep one open for the life of the process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.client import PubSub

from realtime.hub import REDIS_DOWN, Backoff

log = logging.getLogger("realtime.pubsub")


async def listen_forever(
    redis: aioredis.Redis,
    *,
    name: str,
    subscribe: Callable[[PubSub], Awaitable[Any]],
    message_type: str,
    handle: Callable[[dict[str, Any]], None],
    backoff_max_seconds: float,
) -> None:
    """Subscribe, hand each message of `message_type` ("message" or "pmessage") to `handle`,
    and subscribe again with backoff whenever Redis goes away. Returns only when cancelled."""
    backoff = Backoff(backoff_max_seconds)
    while True:
        pubsub = redis.pubsub()
        try:
            await subscribe(pubsub)
            backoff.reset()
            async for message in pubsub.listen():
                if message.get("type") == message_type:
                    handle(message)
        except asyncio.CancelledError:
            raise
        except REDIS_DOWN as exc:
            log.warning("%s listener: Redis unavailable (%s); retrying", name, exc)
            await backoff.wait()
        finally:
            try:
                await pubsub.aclose()
            except Exception:  # closing a dead connection
                log.debug("pubsub close failed", exc_info=True)
