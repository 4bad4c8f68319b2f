"""Who is viewing or typing on a ticket: sorted sets in Redis with expiry scores, shared by all gateways.

Each viewer is a member of `frontline:presence:<tenant>:<ticket>:viewers` scored by
when it expires (typing: `...:typing`). A gateway that changes presence publishes
the ticket's new state on `frontline:presence:<tenant>`; every gateway forwards it
to its staff sockets on that ticket. Expiry needs nobody to publish: each gateway
re-reads the tickets its sockets watch every few seconds and sends what changed,
so a crashed gateway's viewers vanish after the TTL.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

import redis.asyncio as aioredis

from contracts.realtime import ControlType, control, encode
from realtime.config import Settings
from realtime.connection import Connection
from realtime.hub import REDIS_DOWN, Hub
from realtime.pubsub import listen_forever

log = logging.getLogger("realtime.presence")

PREFIX = "frontline:presence"


def _key(tenant_id: int, ticket_id: int, kind: str) -> str:
    return f"{PREFIX}:{tenant_id}:{ticket_id}:{kind}"


def _channel(tenant_id: int) -> str:
    return f"{PREFIX}:{tenant_id}"


def _member(conn: Connection) -> str:
    return json.dumps({"m": conn.claims.membership_id, "n": conn.claims.name, "c": conn.id}, sort_keys=True)


class Presence:
    def __init__(self, redis: aioredis.Redis, hub: Hub, settings: Settings) -> None:
        self.redis = redis
        self.hub = hub
        self.settings = settings
        # (tenant, ticket) -> the viewers list last sent to local sockets, to send only changes
        self._last_sent: dict[tuple[int, int], list[dict[str, Any]]] = {}
        # (tenant, ticket) -> local staff connections viewing it
        self._viewers: dict[tuple[int, int], set[Connection]] = {}
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._listen(), name="presence-listen"),
            asyncio.create_task(self._sweep(), name="presence-sweep"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- changes from local sockets -------------------------------------------------------

    async def view(self, conn: Connection, ticket_id: int) -> None:
        if not conn.claims.is_staff:
            return  # customers are neither shown nor told who is on a ticket
        self._viewers.setdefault((conn.claims.tenant_id, ticket_id), set()).add(conn)
        key = _key(conn.claims.tenant_id, ticket_id, "viewers")
        ttl = self.settings.presence_ttl_seconds
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zadd(key, {_member(conn): time.time() + ttl})
            pipe.expire(key, int(ttl * 2) + 1)
            await pipe.execute()
        viewers = await self.publish(conn.claims.tenant_id, ticket_id)
        log.debug(
            "tenant %s ticket %s: membership %s viewing (connection %s); %d viewer(s)",
            conn.claims.tenant_id,
            ticket_id,
            conn.claims.membership_id,
            conn.id,
            len(viewers),
        )
        # The newcomer gets the state now even if it did not change (the same agent in a second tab).
        conn.offer_control(encode(control(ControlType.PRESENCE, ticket_id=ticket_id, viewers=viewers)))

    async def typing(self, conn: Connection, ticket_id: int) -> None:
        if not conn.claims.is_staff or ticket_id not in conn.tickets:
            return
        key = _key(conn.claims.tenant_id, ticket_id, "typing")
        ttl = self.settings.typing_ttl_seconds
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zadd(key, {_member(conn): time.time() + ttl})
            pipe.expire(key, int(ttl * 2) + 1)
            await pipe.execute()
        await self.publish(conn.claims.tenant_id, ticket_id)

    async def leave(self, conn: Connection, ticket_id: int) -> None:
        watchers = self._viewers.get((conn.claims.tenant_id, ticket_id))
        if watchers is None or conn not in watchers:
            return
        watchers.discard(conn)
        if not watchers:
            del self._viewers[(conn.claims.tenant_id, ticket_id)]
            self._last_sent.pop((conn.claims.tenant_id, ticket_id), None)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zrem(_key(conn.claims.tenant_id, ticket_id, "viewers"), _member(conn))
            pipe.zrem(_key(conn.claims.tenant_id, ticket_id, "typing"), _member(conn))
            await pipe.execute()
        viewers = await self.publish(conn.claims.tenant_id, ticket_id)
        log.debug(
            "tenant %s ticket %s: membership %s left (connection %s); %d viewer(s)",
            conn.claims.tenant_id,
            ticket_id,
            conn.claims.membership_id,
            conn.id,
            len(viewers),
        )

    async def leave_all(self, conn: Connection) -> None:
        for ticket_id in list(conn.tickets):
            with contextlib.suppress(*REDIS_DOWN):  # if Redis is down the entry expires by itself
                await self.leave(conn, ticket_id)

    # -- state ------------------------------------------------------------------------------

    async def state(self, tenant_id: int, ticket_id: int) -> list[dict[str, Any]]:
        now = time.time()
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zrangebyscore(_key(tenant_id, ticket_id, "viewers"), now, "+inf")
            pipe.zrangebyscore(_key(tenant_id, ticket_id, "typing"), now, "+inf")
            viewers_raw, typing_raw = await pipe.execute()
        typing = {json.loads(m)["m"] for m in typing_raw}
        people: dict[int, dict[str, Any]] = {}
        for raw in viewers_raw:
            member = json.loads(raw)
            people[member["m"]] = {"membership_id": member["m"], "name": member["n"], "typing": False}
        for person in people.values():
            person["typing"] = person["membership_id"] in typing
        return sorted(people.values(), key=lambda p: p["membership_id"])

    async def publish(self, tenant_id: int, ticket_id: int) -> list[dict[str, Any]]:
        viewers = await self.state(tenant_id, ticket_id)
        await self.redis.publish(
            _channel(tenant_id), json.dumps({"ticket_id": ticket_id, "viewers": viewers})
        )
        return viewers

    def deliver(self, tenant_id: int, ticket_id: int, viewers: list[dict[str, Any]]) -> None:
        """Send the state to this process's staff sockets on the ticket, if it changed."""
        key = (tenant_id, ticket_id)
        if key not in self._viewers or self._last_sent.get(key) == viewers:
            return
        self._last_sent[key] = viewers
        text = encode(control(ControlType.PRESENCE, ticket_id=ticket_id, viewers=viewers))
        for conn in self.hub.tenant_connections(tenant_id):
            if conn.claims.is_staff and ticket_id in conn.tickets and not conn.joining:
                conn.offer_control(text)

    # -- background ---------------------------------------------------------------------

    async def _listen(self) -> None:
        await listen_forever(
            self.redis,
            name="presence",
            subscribe=lambda pubsub: pubsub.psubscribe(f"{PREFIX}:*"),
            message_type="pmessage",
            handle=self._on_message,
            backoff_max_seconds=self.settings.redis_backoff_max_seconds,
        )

    def _on_message(self, message: dict[str, Any]) -> None:
        try:
            channel = message["channel"]
            tenant_id = int((channel.decode() if isinstance(channel, bytes) else channel).rsplit(":", 1)[1])
            body = json.loads(message["data"])
            self.deliver(tenant_id, int(body["ticket_id"]), body["viewers"])
        except (ValueError, KeyError, TypeError):
            log.error("presence message not understood: %r", message.get("data"))

    async def _sweep(self) -> None:
        """Refresh our viewers' expiry and notice entries that expired (typing stopped, gateway died)."""
        last_refresh = 0.0
        while True:
            await asyncio.sleep(self.settings.presence_sweep_seconds)
            try:
                now = time.time()
                if now - last_refresh >= self.settings.presence_ttl_seconds / 3:
                    last_refresh = now
                    await self._refresh_viewers(now)
                for tenant_id, ticket_id in list(self._viewers):
                    self.deliver(tenant_id, ticket_id, await self.state(tenant_id, ticket_id))
            except asyncio.CancelledError:
                raise
            except REDIS_DOWN as exc:
                log.warning("presence sweep: Redis unavailable (%s)", exc)

    async def _refresh_viewers(self, now: float) -> None:
        expiry = now + self.settings.presence_ttl_seconds
        async with self.redis.pipeline(transaction=False) as pipe:
            for (tenant_id, ticket_id), conns in self._viewers.items():
                key = _key(tenant_id, ticket_id, "viewers")
                pipe.zadd(key, {_member(conn): expiry for conn in conns})
                pipe.expire(key, int(self.settings.presence_ttl_seconds * 2) + 1)
            await pipe.execute()
