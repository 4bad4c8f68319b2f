"""The ASGI application: authorizes each socket, replays what it missed, then serves it live.

`ws://<host>:8002/ws?token=<from core>&topics=inbox,ticket:42&last_id=<stream id>`

Client messages (JSON): `{"op": "ping"}`, `{"op": "subscribe"|"unsubscribe", "topics": [...]}`,
`{"op": "typing", "ticket_id": 42}`. Any message counts as activity for the idle timeout.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any
from urllib.parse import parse_qs

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

from contracts.events import stream_key
from contracts.realtime import (
    STREAM_ID_RE,
    CloseCode,
    ConnectionClaims,
    ControlType,
    TokenError,
    control,
    encode,
    verify_token,
)
from realtime.config import Settings
from realtime.connection import ASGISend, Connection, StreamPos, format_stream_id, parse_stream_id
from realtime.hub import BLOCK_MS, REDIS_DOWN, Hub, _text, stream_has, stream_head
from realtime.presence import Presence
from realtime.revocation import Revocations

log = logging.getLogger("realtime.gateway")

MAX_CLIENT_MESSAGE = 4096
MAX_TOPICS = 50


class Refused(Exception):
    def __init__(self, code: CloseCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class Gateway:
    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings
        self.draining = False
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = Settings.from_env()
        return self._settings

    # -- ASGI ----------------------------------------------------------------------------

    async def __call__(self, scope: dict[str, Any], receive: Any, send: ASGISend) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        elif scope["type"] == "http":
            await self._http(scope, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Any, send: ASGISend) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.startup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.drain()
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def startup(self) -> None:
        settings = self.settings
        options: dict[str, Any] = {"socket_connect_timeout": 2, "health_check_interval": 30}
        # Short commands share a bounded pool (a burst of joins waits instead of failing); each
        # tenant reader holds one connection in a blocking XREAD, so those come from their own pool.
        self.redis = aioredis.Redis(
            connection_pool=aioredis.BlockingConnectionPool.from_url(
                settings.redis_url,
                max_connections=settings.redis_pool_size,
                timeout=10,
                socket_timeout=10,
                # A pooled connection that outlived a Redis restart fails its next command; without
                # a retry on a fresh connection, each such one cost a socket joining after the
                # restart a 1013 close. Reads and idempotent writes only, so retrying once is safe.
                # (Not for the stream readers: their failure is how a reader learns of a restart.)
                retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
                **options,
            )
        )
        # XREAD blocks 5 s: a read silent for longer means a dead connection.
        self.stream_redis = aioredis.Redis.from_url(
            settings.redis_url, max_connections=1_000_000, socket_timeout=BLOCK_MS / 1000 + 10, **options
        )
        self.hub = Hub(self.stream_redis, settings)
        self.presence = Presence(self.redis, self.hub, settings)
        self.presence.start()
        self.revocations = Revocations(self.redis, self.hub, settings)
        self.revocations.start()
        self._tasks = [asyncio.create_task(self._heartbeats(), name="heartbeats")]
        log.info("realtime gateway started (Redis %s)", settings.redis_url.rsplit("@", 1)[-1])

    async def shutdown(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.presence.stop()
        await self.revocations.stop()
        await self.hub.stop()
        await self.redis.aclose()
        await self.stream_redis.aclose()

    async def drain(self) -> None:
        """Tell every socket to reconnect (with the last id it has) once its queue is sent, then close."""
        if self.draining:
            return
        self.draining = True
        conns = self.hub.connections()
        for conn in conns:
            conn.offer_control(
                encode(
                    control(ControlType.RECONNECT, last_id=format_stream_id(conn.last_pos), reason="draining")
                )
            )
            conn.close(CloseCode.SERVICE_RESTART, "gateway restarting; reconnect")
        if conns:
            await asyncio.wait(
                [asyncio.create_task(c.wait_sent(self.settings.drain_seconds)) for c in conns],
                timeout=self.settings.drain_seconds,
            )
        log.info("drained %d connections", len(conns))

    async def _http(self, scope: dict[str, Any], send: ASGISend) -> None:
        if scope["path"] == "/healthz":
            try:
                await self.redis.ping()
                status, body = 200, {"status": "ok", "connections": len(self.hub.connections())}
            except REDIS_DOWN:
                status, body = 503, {"status": "redis unavailable"}
        else:
            status, body = 404, {"detail": "Not Found"}
        payload = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})

    # -- one socket -------------------------------------------------------------------------

    def _authorize(self, scope: dict[str, Any]) -> tuple[ConnectionClaims, set[str], str | None]:
        if scope["path"] != "/ws":
            raise Refused(CloseCode.BAD_REQUEST, "unknown path; connect to /ws")
        if self.draining:
            raise Refused(CloseCode.TRY_AGAIN_LATER, "gateway restarting; reconnect")
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        token = (query.get("token") or [""])[0]
        try:
            claims = verify_token(token, self.settings.secret)
        except TokenError as exc:
            raise Refused(CloseCode.UNAUTHORIZED, f"invalid connection token: {exc}") from None
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if not claims.origin_allowed(headers.get("origin")):
            raise Refused(CloseCode.FORBIDDEN_ORIGIN, "origin not allowed for this tenant")
        topics = {t for raw in query.get("topics", []) for t in raw.split(",") if t}
        if len(topics) > MAX_TOPICS:
            raise Refused(CloseCode.BAD_REQUEST, f"at most {MAX_TOPICS} topics")
        last_id = (query.get("last_id") or [None])[0]
        if last_id is not None and not STREAM_ID_RE.match(last_id):
            raise Refused(CloseCode.BAD_REQUEST, "last_id must be a stream id like 1700000000000-0")
        return claims, topics, last_id

    async def _websocket(self, scope: dict[str, Any], receive: Any, send: ASGISend) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        try:
            claims, topics, last_id = self._authorize(scope)
            conn = Connection(claims, set(), send, self.settings.send_queue_size)
            for topic in topics:
                conn.subscribe(topic)
        except (Refused, ValueError) as exc:
            # Accept first: a close code after the handshake is the only reason a browser can read.
            code, reason = (
                (exc.code, exc.reason) if isinstance(exc, Refused) else (CloseCode.BAD_REQUEST, str(exc))
            )
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": int(code), "reason": reason[:120]})
            return
        await send({"type": "websocket.accept"})
        conn.start()
        try:
            await self._join(conn, last_id)
        except REDIS_DOWN:
            conn.close(CloseCode.TRY_AGAIN_LATER, "event store unavailable; reconnect shortly")
            await self._receive_until_closed(receive)
            await conn.finish()
            return
        try:
            await self._serve(conn, receive)
        finally:
            self.hub.remove(conn)
            await conn.finish()
            await self.presence.leave_all(conn)

    async def _join(self, conn: Connection, last_id: str | None) -> None:
        """Register for live entries first, then replay from the stream: no gap, and ids dedupe overlap."""
        await self.hub.add(conn)
        tenant_id = conn.claims.tenant_id
        try:
            # After joining the hub: a revocation published from now on closes it live, one
            # published before left its mark, which this reads.
            if await self.revocations.refuses(conn.claims):
                conn.close(CloseCode.UNAUTHORIZED, "connection token issued before a sign-out; get a new one")
                return
            head = await stream_head(self.redis, tenant_id)
            start: StreamPos = head
            resync: str | None = None
            if last_id is not None:
                wanted = parse_stream_id(last_id)
                if wanted == head or (wanted < head and await stream_has(self.redis, tenant_id, wanted)):
                    start = wanted
                elif wanted > head and head != (0, 0):
                    resync = "unknown_id"  # newer than anything here: not an id of this stream
                else:
                    resync = "too_old"  # trimmed away (or lost): the client refetches over REST
            conn.last_pos = start
            conn.offer_control(
                encode(
                    control(
                        ControlType.WELCOME,
                        connection_id=conn.id,
                        tenant_id=tenant_id,
                        resume_from=format_stream_id(start),
                        topics=sorted(conn.topics | {f"ticket:{t}" for t in conn.tickets}),
                    )
                )
            )
            if resync:
                conn.offer_control(
                    encode(control(ControlType.RESYNC, reason=resync, resume_from=format_stream_id(start)))
                )
            await self._replay(conn, start)
            conn.end_replay()
            for ticket_id in conn.tickets:
                await self.presence.view(conn, ticket_id)
        except BaseException:
            self.hub.remove(conn)
            raise

    async def _replay(self, conn: Connection, start: StreamPos) -> None:
        reader = self.hub.readers[conn.claims.tenant_id]
        cursor, replayed = start, 0
        batch = max(1, min(self.settings.reader_batch, self.settings.send_queue_size // 2))
        while True:
            entries: Any = await self.redis.xrange(
                stream_key(conn.claims.tenant_id), min=f"({format_stream_id(cursor)}", count=batch
            )
            for raw_id, fields in entries:
                stream_id = _text(raw_id)
                cursor = parse_stream_id(stream_id)
                reader.fan_out(stream_id, cursor, fields, only=conn)
            replayed += len(entries)
            await conn.wait_queue_below(batch)  # replay at the pace the client reads
            if len(entries) < batch:
                return
            if replayed >= self.settings.replay_limit:
                head = await stream_head(self.redis, conn.claims.tenant_id)
                conn.offer_control(
                    encode(
                        control(
                            ControlType.RESYNC, reason="too_far_behind", resume_from=format_stream_id(head)
                        )
                    )
                )
                conn.last_pos = head
                return

    async def _serve(self, conn: Connection, receive: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            conn.last_seen = time.monotonic()
            text = message.get("text")
            if text is None or len(text) > MAX_CLIENT_MESSAGE:
                conn.offer_control(
                    encode(control(ControlType.ERROR, detail="send JSON text messages under 4 KB"))
                )
                continue
            await self._handle(conn, text)

    async def _handle(self, conn: Connection, text: str) -> None:
        try:
            body = json.loads(text)
            op = body["op"]
        except (ValueError, KeyError, TypeError):
            conn.offer_control(encode(control(ControlType.ERROR, detail='expected {"op": ...}')))
            return
        try:
            if op == "ping":
                conn.offer_control(encode(control(ControlType.PONG)))
            elif op in ("subscribe", "unsubscribe"):
                await self._change_topics(conn, op, body.get("topics"))
            elif op == "typing":
                ticket_id = body.get("ticket_id")
                if not isinstance(ticket_id, int) or ticket_id not in conn.tickets:
                    raise ValueError("typing needs the ticket_id of a subscribed ticket")
                await self.presence.typing(conn, ticket_id)
            else:
                raise ValueError(f"unknown op {str(op)[:30]!r}")
        except ValueError as exc:
            conn.offer_control(encode(control(ControlType.ERROR, detail=str(exc))))
        except REDIS_DOWN:
            conn.offer_control(encode(control(ControlType.ERROR, detail="presence unavailable; try again")))

    async def _change_topics(self, conn: Connection, op: str, topics: Any) -> None:
        if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
            raise ValueError("topics must be a list of strings")
        if op == "subscribe":
            if len(conn.topics) + len(conn.tickets) + len(topics) > MAX_TOPICS:
                raise ValueError(f"at most {MAX_TOPICS} topics")
            for topic in topics:
                ticket_id = conn.subscribe(topic)
                if ticket_id is not None:
                    await self.presence.view(conn, ticket_id)
        else:
            for topic in topics:
                ticket_id = conn.unsubscribe(topic)
                if ticket_id is not None:
                    await self.presence.leave(conn, ticket_id)

    async def _receive_until_closed(self, receive: Any) -> None:
        while (await receive())["type"] != "websocket.disconnect":
            pass

    async def _heartbeats(self) -> None:
        """One task for all sockets: heartbeat the quiet ones, close the ones silent too long."""
        settings = self.settings
        tick = max(0.05, min(1.0, settings.heartbeat_seconds / 2, settings.idle_timeout_seconds / 4))
        heartbeat = encode(control(ControlType.HEARTBEAT))
        while True:
            await asyncio.sleep(tick)
            now = time.monotonic()
            for conn in self.hub.connections():
                if conn.joining:
                    continue
                if now - conn.last_seen > settings.idle_timeout_seconds:
                    conn.close(CloseCode.IDLE_TIMEOUT, 'idle: send {"op":"ping"} at least every heartbeat')
                elif now - conn.last_heartbeat >= settings.heartbeat_seconds:
                    conn.last_heartbeat = now
                    conn.offer_control(heartbeat)


app = Gateway()
