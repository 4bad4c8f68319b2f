"""API shapes of webhook subscriptions and deliveries."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Schema
from pydantic import Field


class SubscriptionIn(Schema):
    url: str = Field(max_length=2000)
    event_types: list[str] = Field(min_length=1, max_length=50)
    secret: str | None = Field(default=None, min_length=16, max_length=128)


class SubscriptionPatch(Schema):
    url: str | None = Field(default=None, max_length=2000)
    event_types: list[str] | None = Field(default=None, min_length=1, max_length=50)
    is_active: bool | None = None


class SubscriptionOut(Schema):
    id: int
    url: str
    event_types: list[str]
    is_active: bool
    consecutive_failures: int
    disabled_reason: str
    created_at: datetime


class SubscriptionCreated(SubscriptionOut):
    secret: str = Field(description="Shown once: verify X-Frontline-Signature with it.")


class AttemptOut(Schema):
    status_code: int | None
    error: str
    duration_ms: int
    created_at: datetime


class DeliveryOut(Schema):
    id: int
    uuid: UUID
    event_id: UUID
    event_type: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    attempt_log: list[AttemptOut]
