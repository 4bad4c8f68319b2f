"""Subscribers used by the outbox tests: one records calls, one fails on demand."""

from contracts.events import EventEnvelope
from events.idempotency import first_time

calls: list[tuple[str, str]] = []
fail_types: set[str] = set()


def recording(event: EventEnvelope) -> None:
    if first_time("tests.recording", event):
        calls.append((event.type, str(event.id)))


def flaky(event: EventEnvelope) -> None:
    if event.type in fail_types:
        raise RuntimeError(f"flaky subscriber refuses {event.type}")
