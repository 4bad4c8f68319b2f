"""Events reach the tenant's stream at commit, and the relay never adds them a second time."""

import pytest
from django.test import override_settings

from contracts.events import Actor, EventEnvelope, Visibility, stream_key
from contracts.samples import sample_payload
from events import registry
from events.models import OutboxEvent
from events.relay import redis_client, relay_all
from events.services import event_record
from events.streaming import marker_key
from tenancy.context import tenant_context
from testing.factories import make_tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant():
    with registry.subscribers_replaced():
        tenant = make_tenant()
        redis_client().delete(stream_key(tenant.id))
        yield tenant
        redis_client().delete(stream_key(tenant.id))


def _record(tenant):
    return event_record(
        tenant_id=tenant.id,
        type="ticket.created",
        data=sample_payload("ticket.created"),
        actor=Actor(kind="user", id=5),
        visibility=Visibility.PUBLIC,
        subject_id=42,
    )


def _stream(tenant) -> list[tuple[str, EventEnvelope]]:
    return [
        (entry_id.decode(), EventEnvelope.from_stream_fields(fields))
        for entry_id, fields in redis_client().xrange(stream_key(tenant.id))
    ]


def test_the_commit_streams_the_event_and_the_relay_only_records_its_entry(
    tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), tenant_context(tenant.id):
        envelope = _record(tenant)
        assert _stream(tenant) == []  # not before the commit
    [(entry_id, streamed)] = _stream(tenant)  # at the commit, before any relay ran
    assert streamed.id == envelope.id
    assert relay_all() == 1  # the relay still runs (subscribers) and marks the row
    assert relay_all() == 0
    assert [e.id for _, e in _stream(tenant)] == [envelope.id]  # no second entry
    with tenant_context(tenant.id):
        row = OutboxEvent.objects.get(event_id=envelope.id)
    assert row.published_at is not None and row.stream_id == entry_id


def test_a_rolled_back_change_streams_nothing(tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with tenant_context(tenant.id):
            _record(tenant)
            raise RuntimeError("the change failed")
    assert _stream(tenant) == []


def test_a_lost_publish_is_streamed_once_by_the_relay(tenant, django_capture_on_commit_callbacks):
    # Redis unreachable from the request (a closed port): the commit still succeeds.
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        with django_capture_on_commit_callbacks(execute=True), tenant_context(tenant.id):
            envelope = _record(tenant)
    assert _stream(tenant) == []
    assert relay_all() == 1
    assert [e.id for _, e in _stream(tenant)] == [envelope.id]
    # A relay that runs again (its row saved as failed, say) finds the marker: same entry.
    with tenant_context(tenant.id):
        OutboxEvent.objects.filter(event_id=envelope.id).update(published_at=None, stream_id="")
    assert relay_all() == 1
    assert len(_stream(tenant)) == 1
    assert redis_client().get(marker_key(envelope.id)) is not None
