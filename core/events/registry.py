"""The subscriber registry: dotted paths in settings.FRONTLINE_EVENT_SUBSCRIBERS.

A subscriber is `def handle(event: EventEnvelope) -> None`. It runs in the relay's
transaction with the event's tenant set, must be idempotent (use
`events.idempotency.first_time`), fast, and push slow work to Celery on commit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from contracts.events import EventEnvelope

Subscriber = Callable[[EventEnvelope], None]


@cache
def subscribers() -> tuple[tuple[str, Subscriber], ...]:
    return tuple((path, import_string(path)) for path in settings.FRONTLINE_EVENT_SUBSCRIBERS)
