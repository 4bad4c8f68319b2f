"""One accepted socket: its claims and topics, a bounded send queue, and the task that drains it."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from contracts.events import EventEnvelope
from contracts.ids import parse_id
from contracts.realtime import CloseCode, ConnectionClaims, Topic, recipient_of

log = logging.getLogger("realtime.connection")

ASGISend = Callable[[dict[str, Any]], Awaitable[None]]
StreamPos = tuple[int, int]
_ids = itertools.count(1)
CLOSE_TIMEOUT_SECONDS = 2.0


def parse_stream_id(stream_id: str) -> StreamPos:
    ms, _, seq = stream_id.partition("-")
    return int(ms), int(seq or 0)


def format_stream_id(pos: StreamPos) -> str:
    return f"{pos[0]}-{pos[1]}"


class _Close:
    """Queue sentinel: close after everything queued before it has been sent."""

    __slots__ = ("code", "reason")

    def __init__(self, code: int, reason: str) -> None:
        self.code = code
        self.reason = reason


class Connection:
    """Messages go through `offer` (never blocks); a slow reader is cut off, not buffered forever.

    While the connection replays missed entries from the stream, live entries from
    the tenant reader wait in `_pending`; `end_replay` then sends those newer than
    the last replayed id, so the client sees every id once, in order.
    """

    __slots__ = (
        "_pending",
        "_queue",
        "_send",
        "_sender",
        "claims",
        "closed",
        "id",
        "last_heartbeat",
        "last_pos",
        "last_seen",
        "queue_size",
        "sent_pos",
        "tickets",
        "topics",
    )

    def __init__(self, claims: ConnectionClaims, topics: set[str], send: ASGISend, queue_size: int) -> None:
        self.id = next(_ids)
        self.claims = claims
        self.topics: set[str] = set()
        self.tickets: set[int] = set()
        for topic in topics:
            self.subscribe(topic)
        self._send = send
        self.queue_size = queue_size
        self._queue: asyncio.Queue[tuple[StreamPos | None, str | _Close]] = asyncio.Queue(queue_size)
        self._pending: list[tuple[StreamPos, str]] | None = []  # live entries held while replaying
        self.last_pos: StreamPos = (0, 0)  # newest stream entry queued for this socket
        self.sent_pos: StreamPos = (0, 0)  # newest stream entry actually written to it
        self.closed = False
        self.last_seen = self.last_heartbeat = time.monotonic()
        self._sender: asyncio.Task[None] | None = None

    # -- topics -----------------------------------------------------------------------

    def subscribe(self, topic: str) -> int | None:
        """Adds a topic; returns the ticket id for `ticket:<id>`. Raises ValueError on junk."""
        if topic in (Topic.INBOX, Topic.NOTIFICATIONS):
            self.topics.add(topic)
            return None
        if topic.startswith(Topic.TICKET_PREFIX):
            ticket = parse_id(topic[len(Topic.TICKET_PREFIX) :])
            if ticket is not None:
                self.tickets.add(ticket)
                return ticket
        raise ValueError(f"unknown topic {topic[:40]!r}")

    def unsubscribe(self, topic: str) -> int | None:
        ticket = (
            parse_id(topic[len(Topic.TICKET_PREFIX) :]) if topic.startswith(Topic.TICKET_PREFIX) else None
        )
        if ticket is not None:
            self.tickets.discard(ticket)
            return ticket
        self.topics.discard(topic)
        return None

    def wants(self, envelope: EventEnvelope) -> bool:
        """Topic match only; permission is `contracts.realtime.may_see`."""
        if Topic.INBOX in self.topics:
            return True
        if envelope.subject_id is not None and envelope.subject_id in self.tickets:
            return True
        return Topic.NOTIFICATIONS in self.topics and recipient_of(envelope) == self.claims.membership_id

    # -- sending ----------------------------------------------------------------------

    def start(self) -> None:
        self._sender = asyncio.create_task(self._drain_queue(), name=f"ws-send-{self.id}")

    def offer_entry(self, pos: StreamPos, text: str, replayed: bool = False) -> None:
        """A stream entry: dropped if already queued (same or older id), never sent twice."""
        if self.closed:
            return
        if self._pending is not None and not replayed:
            self._pending.append((pos, text))
            if len(self._pending) > self.queue_size * 4:
                self.abort(CloseCode.SLOW_CONSUMER, self._resume_hint())
            return
        if pos <= self.last_pos:
            return
        self.last_pos = pos
        self._put(pos, text)

    @property
    def joining(self) -> bool:
        """Still replaying: the welcome goes first, so presence and heartbeats wait until it is done."""
        return self._pending is not None

    def offer_control(self, text: str) -> None:
        if not self.closed:
            self._put(None, text)

    def end_replay(self) -> None:
        pending, self._pending = self._pending or [], None
        for pos, text in pending:
            self.offer_entry(pos, text)

    def close(self, code: int, reason: str = "") -> None:
        """Close after what is queued has been sent (drain, idle timeout, refusals)."""
        if self.closed:
            return
        try:
            self._queue.put_nowait((None, _Close(code, reason)))
        except asyncio.QueueFull:
            self.abort(code, reason)
            return
        self.closed = True

    def abort(self, code: int, reason: str) -> None:
        """Close now, dropping the queue: what a client too slow to keep up gets."""
        if self.closed:
            return
        self.closed = True
        if self._sender is not None:
            self._sender.cancel()
        self._sender = asyncio.create_task(self._send_close(code, reason), name=f"ws-abort-{self.id}")

    def _put(self, pos: StreamPos | None, text: str) -> None:
        try:
            self._queue.put_nowait((pos, text))
        except asyncio.QueueFull:
            log.info("connection %s too slow (%s queued), cut off", self.id, self.queue_size)
            self.abort(CloseCode.SLOW_CONSUMER, self._resume_hint())

    def _resume_hint(self) -> str:
        return f"slow consumer; reconnect with last_id={format_stream_id(self.sent_pos)}"

    async def _drain_queue(self) -> None:
        try:
            while True:
                pos, item = await self._queue.get()
                if isinstance(item, _Close):
                    await self._send_close(item.code, item.reason)
                    return
                await self._send({"type": "websocket.send", "text": item})
                if pos is not None:
                    self.sent_pos = pos
        except asyncio.CancelledError:
            raise
        except Exception:  # the socket went away under us; the receive loop sees the disconnect
            self.closed = True

    async def _send_close(self, code: int, reason: str) -> None:
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_SECONDS):
                await self._send({"type": "websocket.close", "code": int(code), "reason": reason[:120]})
        except TimeoutError:
            # The peer reads nothing, so not even the close frame gets out. ASGI cannot drop a
            # connection; uvicorn's protocol object (the send method's owner) can.
            transport = getattr(getattr(self._send, "__self__", None), "transport", None)
            if transport is not None:
                transport.abort()
        except Exception:  # already closed by the peer
            log.debug("close of connection %s failed", self.id, exc_info=True)

    async def finish(self) -> None:
        """After the socket is gone: stop the sender."""
        self.closed = True
        if self._sender is not None and not self._sender.done():
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._sender  # it was cancelled, or the socket failed; either way it is done

    async def wait_queue_below(self, size: int) -> None:
        """Replay back-pressure: a reconnecting client may be far behind but is not slow."""
        while not self.closed and self._queue.qsize() > size:
            await asyncio.sleep(0.005)

    async def wait_sent(self, timeout: float) -> None:
        """Drain: wait until the sender has flushed everything and closed."""
        if self._sender is not None:
            await asyncio.wait({self._sender}, timeout=timeout)
