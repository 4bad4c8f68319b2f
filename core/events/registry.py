"""The subscriber registry: who reacts to which events, declared with `@subscribes`.

Each app declares its subscribers in its `subscribers.py`, which its `AppConfig.ready()`
imports. A subscriber runs in the relay's transaction with the event's tenant set, must be
idempotent, fast, and push slow work to Celery after commit (`jobs.enqueue_on_commit`).
The decorator does the opening every subscriber shares, in this order: the event type, the
`when` conditions, the idempotency key (`once`), the tenant lookup (`tenant`).

The relay runs an event's subscribers in ascending `order`, one at a time. The order is
part of the behaviour: routing (assignment) comes before the SLA clocks and the triggers
(automations), which see the ticket as routed; the rollups (reports) come last, computed
from the ticket as the others left it. docs/architecture/EVENTS.md is the map, generated
from this registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache, wraps
from typing import Literal, overload

from contracts.events import EventEnvelope
from contracts.payloads import EVENT_TYPES
from events.idempotency import first_time
from tenancy.models import Tenant
from tenancy.selectors import tenant_by_id

Subscriber = Callable[[EventEnvelope], None]
Condition = Callable[[EventEnvelope], bool]
TenantHandler = Callable[[EventEnvelope, Tenant], None]


class SubscriberConflictError(RuntimeError):
    """Two subscribers claim one name or one place in the order."""


@dataclass(frozen=True)
class Registration:
    name: str  # also the key of the subscriber's idempotency rows (`once`): never rename it
    order: int
    types: tuple[str, ...]  # event types, or patterns such as "ticket.*"
    when: tuple[Condition, ...]
    once: bool
    tenant: bool
    handler: str  # the declared function's dotted path, for the map
    handle: Subscriber

    def reacts_to(self, event_type: str) -> bool:
        return _matches(self.types, event_type)


def _matches(types: Sequence[str], event_type: str) -> bool:
    return any(fnmatchcase(event_type, pattern) for pattern in types)


_registered: dict[str, Registration] = {}
_replacement: tuple[tuple[str, Subscriber], ...] | None = None


def has_subject(event: EventEnvelope) -> bool:
    """the event names its subject"""
    return event.subject_id is not None


def ticket_id_of(event: EventEnvelope) -> int:
    """The ticket an event is about (its payload's `ticket_id`, else its subject), for a
    subscriber whose conditions include `has_subject`."""
    ticket_id = event.data.get("ticket_id") or event.subject_id
    if ticket_id is None:
        raise ValueError(f"{event.type} {event.id} names no ticket")
    return int(ticket_id)


@overload
def subscribes(
    *types: str,
    name: str,
    order: int,
    when: Sequence[Condition] = (),
    once: bool = False,
    tenant: Literal[False] = False,
) -> Callable[[Subscriber], Subscriber]: ...


@overload
def subscribes(
    *types: str,
    name: str,
    order: int,
    when: Sequence[Condition] = (),
    once: bool = False,
    tenant: Literal[True],
) -> Callable[[TenantHandler], Subscriber]: ...


def subscribes(
    *types: str,
    name: str,
    order: int,
    when: Sequence[Condition] = (),
    once: bool = False,
    tenant: bool = False,
) -> Callable[[Callable[..., None]], Subscriber]:
    """Register the decorated function for events of `types` ("*" for every event).

    `when`: conditions on the event, all of which must hold. `once`: handle each event at
    most once (the key commits with the work; a redelivered event is skipped). `tenant`:
    the function also receives the event's tenant, and is skipped when it is not active.
    Returns the subscriber as the relay calls it, filters included.
    """
    unknown = [pattern for pattern in types if not any(_matches([pattern], t) for t in EVENT_TYPES)]
    if not types or unknown:
        raise ValueError(f"subscriber {name}: no such event types {unknown or '(none given)'}")
    conditions = tuple(when)

    def register(function: Callable[..., None]) -> Subscriber:
        @wraps(function)
        def handle(event: EventEnvelope) -> None:
            if not _matches(types, event.type) or not all(c(event) for c in conditions):
                return
            if once and not first_time(name, event):
                return
            if not tenant:
                function(event)
                return
            found = tenant_by_id(tenant_id=event.tenant_id)
            if found is not None:
                function(event, found)

        _register(
            Registration(
                name=name,
                order=order,
                types=types,
                when=conditions,
                once=once,
                tenant=tenant,
                handler=f"{function.__module__}.{function.__qualname__}",
                handle=handle,
            )
        )
        return handle

    return register


def _register(registration: Registration) -> None:
    for other in _registered.values():
        if other.handler == registration.handler:
            continue  # the same function declared again (its module imported again)
        if other.name == registration.name or other.order == registration.order:
            raise SubscriberConflictError(
                f"{registration.handler} and {other.handler} share a name or an order "
                f"({registration.name}, {registration.order})"
            )
    _registered[registration.handler] = registration
    subscribers.cache_clear()


def registrations() -> list[Registration]:
    """Every declared subscriber, in the order the relay runs them."""
    return sorted(_registered.values(), key=lambda r: r.order)


@cache
def subscribers() -> tuple[tuple[str, Subscriber], ...]:
    """What the relay runs for each event, in order: (name, subscriber) pairs."""
    if _replacement is not None:
        return _replacement
    return tuple((r.name, r.handle) for r in registrations())


@contextmanager
def subscribers_replaced(*replacement: tuple[str, Subscriber]) -> Iterator[None]:
    """Tests and benchmarks: the relay runs only `replacement` (none at all if empty) for a while."""
    global _replacement
    previous, _replacement = _replacement, tuple(replacement)
    subscribers.cache_clear()
    try:
        yield
    finally:
        _replacement = previous
        subscribers.cache_clear()
