"""Record domain events in the outbox, inside the caller's transaction.

Services call `event_record` right after the change it describes, in the same
transaction and tenant context; the row commits or rolls back with the change.
Right after commit each event is added to its tenant's stream (what live sockets read),
and the relay is kicked through Celery to run the subscribers and mark the row; if the
publish or the kick is lost (Redis down, process killed), the relay or the periodic sweep
publishes the row anyway, and the stream still gets one entry (`events.streaming`).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import connection, transaction

from contracts.events import Actor, EventEnvelope, Visibility
from contracts.payloads import validate_payload
from events.models import OutboxEvent
from events.streaming import publish_after_commit
from jobs import enqueue_on_commit, pending_clear, task_name


class NotInTransactionError(RuntimeError):
    """An event recorded outside a transaction could outlive a change that failed."""


# A relay that is queued and has not started yet publishes this transaction's events too: it
# clears this key when it starts (`events.tasks.relay_outbox`), then reads the outbox. So only
# the first kick of a burst goes to the broker; the others would only queue relays with
# nothing left to do (a thousand creates a second queued a thousand relay tasks, each also
# costing its request half a millisecond of CPU). The key expires: a kick lost on its way
# holds back the next ones for at most this long, and the sweep runs every 5 seconds anyway.
RELAY_KICK_PENDING_KEY = "events:relay-kick-pending"
RELAY_KICK_PENDING_SECONDS = 2
RELAY_OUTBOX = task_name("events.tasks.relay_outbox")


def relay_kick_clear() -> None:
    """Called by the relay as it starts, before it reads the outbox: a commit after this point
    kicks again."""
    pending_clear(RELAY_KICK_PENDING_KEY)


def _kick_relay_after_commit() -> None:
    # One kick per transaction is enough (the key): the relay publishes everything pending.
    enqueue_on_commit(
        RELAY_OUTBOX, requeue_key=RELAY_KICK_PENDING_KEY, pending_seconds=RELAY_KICK_PENDING_SECONDS
    )


def _envelope(
    *,
    tenant_id: int,
    type: str,
    data: dict[str, Any],
    actor: Actor | None,
    visibility: Visibility,
    subject_id: int | None,
    version: int,
) -> EventEnvelope:
    # Every event has a schema: a payload that does not match fails the change, loudly.
    payload = validate_payload(type, version, data)
    if getattr(payload, "is_internal", False) and visibility is not Visibility.INTERNAL:
        raise ValueError(f"{type}: an internal note can only be an internal event")
    return EventEnvelope(
        tenant_id=tenant_id,
        type=type,
        version=version,
        actor=actor or Actor(kind="system"),
        visibility=visibility,
        subject_id=subject_id,
        data=payload.model_dump(mode="json"),
    )


def _row(envelope: EventEnvelope) -> OutboxEvent:
    return OutboxEvent(
        tenant_id=envelope.tenant_id,
        event_id=envelope.id,
        type=envelope.type,
        version=envelope.version,
        visibility=envelope.visibility.value,
        subject_id=envelope.subject_id,
        envelope=envelope.model_dump(mode="json"),
    )


def event_record(
    *,
    tenant_id: int,
    type: str,
    data: dict[str, Any],
    actor: Actor | None = None,
    visibility: Visibility = Visibility.INTERNAL,
    subject_id: int | None = None,
    version: int = 1,
) -> EventEnvelope:
    """Add one event to the outbox of `tenant_id`; returns the envelope (with its id)."""
    if not connection.in_atomic_block:
        raise NotInTransactionError(f"event_record({type}) must run inside the change's transaction")
    envelope = _envelope(
        tenant_id=tenant_id,
        type=type,
        data=data,
        actor=actor,
        visibility=visibility,
        subject_id=subject_id,
        version=version,
    )
    _row(envelope).save(force_insert=True)
    transaction.on_commit(partial(publish_after_commit, envelope))
    _kick_relay_after_commit()
    return envelope


def event_record_many(
    *,
    tenant_id: int,
    type: str,
    items: list[tuple[int | None, dict[str, Any]]],
    actor: Actor | None = None,
    visibility: Visibility = Visibility.INTERNAL,
    version: int = 1,
) -> list[EventEnvelope]:
    """Many events of one type as (subject_id, data) pairs, in one INSERT: for sweeps that fire
    hundreds at once. Same checks and same transaction rule as `event_record`."""
    if not connection.in_atomic_block:
        raise NotInTransactionError(f"event_record_many({type}) must run inside the change's transaction")
    envelopes = [
        _envelope(
            tenant_id=tenant_id,
            type=type,
            data=data,
            actor=actor,
            visibility=visibility,
            subject_id=subject_id,
            version=version,
        )
        for subject_id, data in items
    ]
    if envelopes:
        OutboxEvent.objects.bulk_create([_row(e) for e in envelopes])
        # Sweeps' bursts (hundreds of events) go by the relay alone: no socket waits on them
        # within milliseconds, and a request would pay a round trip each.
        _kick_relay_after_commit()
    return envelopes
