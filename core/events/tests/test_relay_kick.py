"""A burst of commits queues one relay until that relay starts; it publishes the whole burst,
and the first commit after it started kicks again (`jobs.enqueue_on_commit`'s requeue key)."""

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from contracts.events import Actor, Visibility, stream_key
from contracts.samples import sample_payload
from events import registry
from events.models import OutboxEvent
from events.relay import redis_client
from events.services import RELAY_KICK_PENDING_KEY, event_record
from events.tasks import relay_outbox
from tenancy.context import tenant_context
from testing.factories import make_tenant


def _commit_one_event(tenant):
    with tenant_context(tenant.id):
        event_record(
            tenant_id=tenant.id,
            type="ticket.created",
            data=sample_payload("ticket.created"),
            actor=Actor(kind="system"),
            visibility=Visibility.PUBLIC,
            subject_id=1,
        )


def _queued_relays(broker) -> int:
    # Celery's Redis transport keeps the default queue as a list named after it.
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    return sum(b'"events.tasks.relay_outbox"' in message for message in broker.lrange(queue, 0, -1))


@pytest.fixture
def no_subscribers():
    with registry.subscribers_replaced():  # only the relay's own work is looked at
        yield


@pytest.mark.usefixtures("committed", "no_subscribers")
def test_a_burst_queues_one_relay_which_publishes_all_of_it():
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    tenant = make_tenant()
    cache.delete(RELAY_KICK_PENDING_KEY)
    before = _queued_relays(broker)
    try:
        for _ in range(5):
            _commit_one_event(tenant)
        assert _queued_relays(broker) - before == 1, "one relay queued for the burst"

        relay_outbox()  # that relay starts (here, in process, as a worker would run it)
        with tenant_context(tenant.id):
            assert not OutboxEvent.objects.filter(published_at__isnull=True).exists()
        assert redis_client().xlen(stream_key(tenant.id)) == 5, "the whole burst was published"

        _commit_one_event(tenant)
        assert _queued_relays(broker) - before == 2, "a commit after the relay started kicks again"
    finally:
        redis_client().delete(stream_key(tenant.id))
