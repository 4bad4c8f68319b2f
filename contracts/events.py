"""The envelope of every domain event, and where events travel.

Core records events in its outbox; the relay publishes each to the tenant's Redis
Stream (`stream_key`) and to the subscribers in settings. The realtime gateway and
the AI service read the same envelope, so it is versioned and validated here.
Each event type adds its payload model in this package (issue: events and jobs).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

STREAM_PREFIX = "frontline:events"


def stream_key(tenant_id: int) -> str:
    """The Redis Stream holding one tenant's events, in order, with resumable ids."""
    return f"{STREAM_PREFIX}:{tenant_id}"


class Visibility(StrEnum):
    """Who may receive an event: `public` reaches the ticket's customer too, `internal` only staff."""

    PUBLIC = "public"
    INTERNAL = "internal"


class Actor(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str = Field(description="user, system, automation, api_token or email")
    id: int | None = None
    name: str = ""


class EventEnvelope(BaseModel):
    """What every event carries, whatever its type."""

    model_config = ConfigDict(frozen=True)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, description="Unique; subscribers dedupe on it.")
    tenant_id: int
    type: str = Field(pattern=r"^[a-z_]+\.[a-z_]+$", examples=["ticket.created"])
    version: int = Field(default=1, ge=1)
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    actor: Actor = Field(default_factory=lambda: Actor(kind="system"))
    visibility: Visibility = Visibility.INTERNAL
    subject_id: int | None = Field(default=None, description="The ticket (or other object) it is about.")
    data: dict[str, Any] = Field(default_factory=dict)

    def to_stream_fields(self) -> dict[str, str]:
        """Flat string fields for XADD; `payload` is the whole envelope as JSON."""
        return {"type": self.type, "visibility": self.visibility.value, "payload": self.model_dump_json()}

    @classmethod
    def from_stream_fields(cls, fields: dict[str, str] | dict[bytes, bytes]) -> EventEnvelope:
        raw = fields.get("payload") or fields.get(b"payload")  # type: ignore[call-overload]
        if raw is None:
            raise ValueError("stream entry has no payload field")
        return cls.model_validate_json(raw)
