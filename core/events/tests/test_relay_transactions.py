"""The relay commits each event on its own, so a subscriber's row locks last one event."""

import pytest
from django.db import connections

from contracts.events import Actor, Visibility
from contracts.samples import sample_payload
from events import registry
from events.models import OutboxEvent
from events.relay import relay_all
from events.services import event_record
from tenancy.context import tenant_context
from testing.factories import make_tenant

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.committed]


def test_each_event_is_committed_before_the_next_is_handled():
    tenant = make_tenant()
    with tenant_context(tenant.id):
        first = event_record(
            tenant_id=tenant.id,
            type="ticket.created",
            data=sample_payload("ticket.created"),
            actor=Actor(kind="system"),
            visibility=Visibility.PUBLIC,
            subject_id=1,
        )
        event_record(
            tenant_id=tenant.id,
            type="message.added",
            data=sample_payload("message.added"),
            actor=Actor(kind="system"),
            visibility=Visibility.PUBLIC,
            subject_id=1,
        )
    seen_from_outside: list[bool] = []

    def look_from_another_connection(envelope):
        if envelope.type != "message.added":
            return
        # The owner connection bypasses nothing but sees only committed rows: with one
        # transaction for the batch the first event would still read as unpublished here.
        with connections["owner"].cursor() as cursor:
            cursor.execute(
                "SELECT published_at IS NOT NULL FROM events_outboxevent WHERE event_id = %s",
                [str(first.id)],
            )
            seen_from_outside.append(cursor.fetchone()[0])

    with registry.subscribers_replaced(("tests.look", look_from_another_connection)):
        assert relay_all() == 2
    assert seen_from_outside == [True]
    with tenant_context(tenant.id):
        assert OutboxEvent.objects.filter(published_at__isnull=True).count() == 0
