"""The outbox: events commit with their change, reach the stream and subscribers once."""

import pytest
from django.db import transaction

from contracts.events import Actor, EventEnvelope, Visibility, stream_key
from contracts.samples import sample_payload
from events import registry
from events.models import OutboxEvent
from events.relay import redis_client, relay_all
from events.services import RELAY_OUTBOX, event_record
from events.tests import subscribers_for_tests as subs
from tenancy.context import tenant_context
from testing.factories import make_tenant

pytestmark = pytest.mark.django_db

SUBSCRIBERS = [("tests.recording", subs.recording), ("tests.flaky", subs.flaky)]


@pytest.fixture
def tenant():
    subs.calls.clear()
    subs.fail_types.clear()
    with registry.subscribers_replaced(*SUBSCRIBERS):
        tenant = make_tenant()
        redis_client().delete(stream_key(tenant.id))
        yield tenant
        redis_client().delete(stream_key(tenant.id))


def _record(tenant, type_="ticket.created", **kwargs):
    return event_record(
        tenant_id=tenant.id,
        type=type_,
        data=sample_payload(type_),
        actor=Actor(kind="user", id=5),
        visibility=Visibility.PUBLIC,
        subject_id=42,
        **kwargs,
    )


def _pending(tenant):
    with tenant_context(tenant.id):
        return OutboxEvent.objects.filter(published_at__isnull=True).count()


def test_event_rolls_back_with_its_change(tenant):
    with pytest.raises(RuntimeError), tenant_context(tenant.id):
        _record(tenant)
        raise RuntimeError("the change failed")
    assert _pending(tenant) == 0


def test_relay_publishes_to_stream_and_subscribers_once(tenant):
    with tenant_context(tenant.id):
        first = _record(tenant)
        second = _record(tenant, "message.added")
    assert relay_all() == 2
    assert relay_all() == 0  # nothing left: published rows are not sent again
    entries = redis_client().xrange(stream_key(tenant.id))
    assert [EventEnvelope.from_stream_fields(fields).id for _, fields in entries] == [first.id, second.id]
    assert subs.calls == [("ticket.created", str(first.id)), ("message.added", str(second.id))]
    assert _pending(tenant) == 0


def test_failing_subscriber_keeps_event_pending_without_duplicates(tenant):
    subs.fail_types.add("ticket.created")
    with tenant_context(tenant.id):
        event = _record(tenant)
    assert relay_all() == 0
    with tenant_context(tenant.id):
        row = OutboxEvent.objects.get(event_id=event.id)
    assert row.attempts == 1
    assert "flaky subscriber refuses" in row.last_error
    assert row.next_attempt_at is not None
    # Due again, and the subscriber recovered: published, stream entry not repeated,
    # the subscriber that already succeeded does not run twice.
    subs.fail_types.clear()
    with tenant_context(tenant.id):
        OutboxEvent.objects.filter(id=row.id).update(next_attempt_at=None)
    assert relay_all() == 1
    assert len(redis_client().xrange(stream_key(tenant.id))) == 1
    assert subs.calls == [("ticket.created", str(event.id))]


def test_relay_never_mixes_tenants(tenant):
    other = make_tenant()
    redis_client().delete(stream_key(other.id))
    with tenant_context(tenant.id):
        mine = _record(tenant)
    with tenant_context(other.id):
        theirs = _record(other)
    relay_all()
    ids_mine = [
        EventEnvelope.from_stream_fields(f).id for _, f in redis_client().xrange(stream_key(tenant.id))
    ]
    ids_theirs = [
        EventEnvelope.from_stream_fields(f).id for _, f in redis_client().xrange(stream_key(other.id))
    ]
    assert ids_mine == [mine.id]
    assert ids_theirs == [theirs.id]
    redis_client().delete(stream_key(other.id))


def test_one_relay_kick_per_transaction(tenant):
    from django.db import connection

    with tenant_context(tenant.id):
        _record(tenant)
        _record(tenant)
        kicks = [f for _, f, _ in connection.run_on_commit if getattr(f, "task_name", "") == RELAY_OUTBOX]
        assert len(kicks) == 1
    transaction.get_connection().run_on_commit.clear()


def test_every_recorded_event_matches_its_schema(tenant):
    """event_record validates the payload: an emitted event always fits its contract."""
    from pydantic import ValidationError

    from contracts.payloads import EVENT_TYPES, UnknownEventTypeError, validate_payload

    with tenant_context(tenant.id):
        for type_ in sorted(EVENT_TYPES):
            event = event_record(tenant_id=tenant.id, type=type_, data=sample_payload(type_))
            assert validate_payload(event.type, event.version, event.data)
        with pytest.raises(ValidationError):
            event_record(tenant_id=tenant.id, type="ticket.created", data={"number": 1})
        with pytest.raises(UnknownEventTypeError):
            event_record(tenant_id=tenant.id, type="ticket.vanished", data={})
        with pytest.raises(ValueError, match="internal note"):
            event_record(
                tenant_id=tenant.id,
                type="message.added",
                data=sample_payload("message.added", is_internal=True),
                visibility=Visibility.PUBLIC,
            )
    transaction.get_connection().run_on_commit.clear()
