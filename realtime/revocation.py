"""Ending sockets whose sign-in core revoked (`contracts.realtime.SocketRevocation`).

Core publishes a revocation when a person's access ends or changes (password change or reset,
deactivation, role change, two-factor change). Every gateway process listens and closes that
person's matching sockets with 4401 at once. Core also keeps the latest revocation per person
for a token lifetime: a connection token issued before it is refused on connect, so a token
fetched a moment before the change cannot open a socket after it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import redis.asyncio as aioredis
from pydantic import ValidationError

from contracts.realtime import (
    REVOCATION_CHANNEL,
    CloseCode,
    ConnectionClaims,
    SocketRevocation,
    revoked_since_key,
)
from realtime.config import Settings
from realtime.hub import Hub
from realtime.pubsub import listen_forever

log = logging.getLogger("realtime.revocation")
REASON = "signed out: access changed or ended; sign in again"


def _parse(raw: Any) -> SocketRevocation | None:
    try:
        return SocketRevocation.model_validate_json(raw)
    except (ValidationError, ValueError, TypeError):
        log.error("revocation message not understood: %r", raw)
        return None


class Revocations:
    def __init__(self, redis: aioredis.Redis, hub: Hub, settings: Settings) -> None:
        self.redis = redis
        self.hub = hub
        self.settings = settings
        self._task: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="revocations")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def refuses(self, claims: ConnectionClaims) -> bool:
        """Whether a revocation newer than the token applies to it (checked on connect)."""
        raw = await self.redis.get(revoked_since_key(claims.user_id))
        revocation = _parse(raw) if raw is not None else None
        return revocation is not None and revocation.refuses(claims)

    def apply(self, revocation: SocketRevocation) -> int:
        closed = 0
        for conn in self.hub.connections():
            if revocation.applies_to(conn.claims):
                conn.close(CloseCode.UNAUTHORIZED, REASON)
                closed += 1
        log.info(
            "revocation for user %s (tenant %s, %s): closed %d socket(s)",
            revocation.user_id,
            revocation.tenant_id,
            revocation.reason,
            closed,
        )
        return closed

    async def _listen(self) -> None:
        await listen_forever(
            self.redis,
            name="revocation",
            subscribe=lambda pubsub: pubsub.subscribe(REVOCATION_CHANNEL),
            message_type="message",
            handle=self._on_message,
            backoff_max_seconds=self.settings.redis_backoff_max_seconds,
        )

    def _on_message(self, message: dict[str, Any]) -> None:
        revocation = _parse(message.get("data"))
        if revocation is not None:
            self.apply(revocation)
