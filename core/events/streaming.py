"""Adding an event to its tenant's Redis Stream exactly once, from two places.

The request that records an event publishes it right after its commit (`events.services`,
`transaction.on_commit`), so a live socket sees it within milliseconds; the outbox relay
(a worker, kicked after the same commit, and the 5 s sweep) publishes it too, as the
safety net for a publish that was lost (Redis briefly away, the process killed between
commit and publish). Both go through one Lua script that adds the entry only if the
event id has no entry yet, and otherwise returns the existing entry's id: the stream, and
so every socket, sees each event once, whichever path comes first. The marker lives
longer than the relay's longest back-off, so a late relay still finds it.
"""

from __future__ import annotations

import logging
from functools import cache

import redis
from django.conf import settings

from contracts.events import EventEnvelope, stream_key

logger = logging.getLogger(__name__)

# Longer than the relay's largest back-off (an hour) and than a stream entry's life (24 h).
MARKER_SECONDS = 2 * 24 * 3600
_ADD_ONCE = """
local existing = redis.call('GET', KEYS[2])
if existing then return existing end
local fields = {}
for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(fields))
redis.call('SET', KEYS[2], id, 'EX', ARGV[2])
return id
"""


def marker_key(event_id: object) -> str:
    return f"events:streamed:{event_id}"


@cache
def _fast_client(url: str) -> redis.Redis:
    # On a request's path: a Redis that does not answer costs at most this, then the relay
    # publishes the event (timeouts of the relay's own client are longer).
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def stream_add_once(client: redis.Redis, envelope: EventEnvelope) -> str:
    """The event's stream entry id: added now, or the one a first publish added."""
    fields = envelope.to_stream_fields()
    args: list[str | int] = [settings.FRONTLINE_STREAM_MAXLEN, MARKER_SECONDS]
    for name, value in fields.items():
        args += [name, value]
    result = client.eval(_ADD_ONCE, 2, stream_key(envelope.tenant_id), marker_key(envelope.id), *args)
    return result.decode() if isinstance(result, bytes) else str(result)


def publish_after_commit(envelope: EventEnvelope) -> None:
    """`stream_add_once` from a commit hook: never raises (the relay is the safety net)."""
    try:
        stream_add_once(_fast_client(settings.REDIS_URL), envelope)
    except redis.RedisError as exc:
        logger.warning("event %s not streamed on commit (%s); the relay will", envelope.id, exc)
