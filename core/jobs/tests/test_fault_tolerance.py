"""Fault tests with real worker processes: SIGKILL mid-batch, and Redis stopped and restarted.

Each test records ticket events in committed transactions, runs `celery -A config
worker` subprocesses against the test database (as the app role) and checks the
effects: the per-tenant stream, in-app notifications, emails (file backend) and
webhook POSTs to a local HTTP server.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import redis

from config.celery import app as celery_app
from contracts.events import EventEnvelope, stream_key
from contracts.samples import sample_payload
from email_channel.models import OutboundEmail
from events import registry
from events.services import event_record
from jobs.models import DeadLetter
from notifications.models import Notification
from tenancy.context import tenant_context
from testing.factories import make_world
from testing.http_receiver import start_receiver
from testing.workers import free_port, kill_group, start_redis, start_worker, wait_until, worker_env
from webhooks.models import DeliveryStatus, WebhookDelivery
from webhooks.services import subscription_create

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.committed]
N_EVENTS = 12


@pytest.fixture
def world(settings):
    settings.FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    registry.subscribers.cache_clear()
    created = make_world("faulty")
    # Tenant ids restart after each committed test: start from an empty stream.
    redis.Redis.from_url(settings.REDIS_URL).delete(stream_key(created.tenant.id))
    return created


def _record_tickets(world, count: int, start: int = 0) -> list[EventEnvelope]:
    events = []
    for i in range(start, start + count):
        with tenant_context(world.tenant.id):
            data = sample_payload(
                "ticket.created",
                ticket_id=1000 + i,
                number=i + 1,
                requester_membership_id=world.customer.id,
                assignee_membership_id=world.agent.id,
            )
            events.append(event_record(tenant_id=world.tenant.id, type="ticket.created", data=data))
    return events


def _subscribe(world, url):
    with tenant_context(world.tenant.id):
        return subscription_create(tenant=world.tenant, url=url, event_types=["ticket.created"])


def _counts(world):
    with tenant_context(world.tenant.id):
        return (
            WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count(),
            OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count(),
            Notification.objects.count(),
        )


def _mail_message_ids(mail_dir: Path) -> list[str]:
    found = []
    for path in mail_dir.glob("*"):
        found += re.findall(r"^Message-ID: (<[^>]+>)", path.read_text(errors="replace"), flags=re.M)
    return found


def _stream_ids(client: redis.Redis, tenant_id: int) -> list[str]:
    envelopes = [EventEnvelope.from_stream_fields(f) for _, f in client.xrange(stream_key(tenant_id))]
    return [str(e.id) for e in envelopes if e.type == "ticket.created"]


def _assert_effects_once(world, events, receiver, mail_dir, stream_client):
    event_ids = {str(e.id) for e in events}
    # Stream: at least once by design; every event is there.
    assert set(_stream_ids(stream_client, world.tenant.id)) == event_ids
    # In-app notifications: exactly one per event for the assignee (the unique key).
    with tenant_context(world.tenant.id):
        notified = list(Notification.objects.values_list("event_id", "recipient_id"))
    assert sorted(str(e) for e, _ in notified) == sorted(event_ids)
    assert {r for _, r in notified} == {world.agent.id}
    # Emails: one per event, none sent twice.
    mail_ids = _mail_message_ids(mail_dir)
    assert len(mail_ids) == len(events) == len(set(mail_ids))
    # Webhooks: every event arrived; a repeat (the request cut by the kill) carries the
    # same delivery id, so a receiver that dedupes as documented applies each once.
    by_delivery: dict[str, set[str]] = {}
    for hit in receiver.received:
        by_delivery.setdefault(hit.headers["x-frontline-delivery"], set()).add(hit.json["id"])
    assert {next(iter(v)) for v in by_delivery.values()} == event_ids
    assert all(len(v) == 1 for v in by_delivery.values()) and len(by_delivery) == len(events)
    assert not DeadLetter.objects.exists()


def test_sigkill_mid_batch_loses_nothing_and_repeats_no_side_effect(world, tmp_path, settings):
    receiver = start_receiver()
    receiver.delay = 0.4  # the worker spends its time waiting on the receiver
    mail_dir = tmp_path / "mail"
    env = worker_env(
        settings.REDIS_URL,
        FRONTLINE_MAIL_DIR=str(mail_dir),
        FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS="1",
        FRONTLINE_CELERY_VISIBILITY_TIMEOUT="4",
        FRONTLINE_CELERY_RESTORE_INTERVAL="2",
    )
    celery_app.control.purge()
    _subscribe(world, receiver.url)
    events = _record_tickets(world, N_EVENTS)  # each commit kicks the relay through the broker
    first = start_worker(env, log=tmp_path / "worker1.log")
    second = None
    try:
        # Kill while a webhook request is in flight (arrived, not yet answered).
        assert wait_until(lambda: receiver.arrivals >= 4, timeout=60), (tmp_path / "worker1.log").read_text()
        kill_group(first)
        in_flight_when_killed = receiver.arrivals - len(receiver.received)
        assert in_flight_when_killed >= 0
        done_before = _counts(world)
        assert done_before[0] < N_EVENTS  # the kill really was mid-batch
        second = start_worker(env, log=tmp_path / "worker2.log")
        assert wait_until(lambda: _counts(world) == (N_EVENTS, N_EVENTS, N_EVENTS), timeout=90), (
            _counts(world),
            (tmp_path / "worker2.log").read_text()[-3000:],
        )
        time.sleep(1.5)  # anything still queued twice would show up now
        _assert_effects_once(world, events, receiver, mail_dir, redis.Redis.from_url(settings.REDIS_URL))
    finally:
        if second is not None:
            kill_group(second, sig=15)
        receiver.stop()
        celery_app.control.purge()


@pytest.fixture
def private_redis(tmp_path, settings):
    """A redis-server of our own (to stop and restart); the test process publishes to it too."""
    port = free_port()
    data = tmp_path / "redis"
    url = f"redis://127.0.0.1:{port}/0"
    state = {"proc": start_redis(port, data), "port": port, "data": data, "url": url}
    old_broker = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    celery_app._pool = None
    settings.REDIS_URL = url
    from events import relay

    relay._redis_client.cache_clear()
    yield state
    kill_group(state["proc"], sig=15)
    celery_app.conf.broker_url = old_broker
    celery_app._pool = None
    relay._redis_client.cache_clear()


def test_redis_stopped_while_tickets_are_created_then_every_event_is_delivered(
    world, tmp_path, settings, private_redis
):
    receiver = start_receiver()
    mail_dir = tmp_path / "mail"
    env = worker_env(
        private_redis["url"],
        FRONTLINE_MAIL_DIR=str(mail_dir),
        FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS="1",
        FRONTLINE_BEAT_SCHEDULE=str(tmp_path / "beat-schedule"),
    )
    _subscribe(world, receiver.url)
    worker = start_worker(env, beat=True, log=tmp_path / "worker.log")
    client = redis.Redis.from_url(private_redis["url"])
    try:
        before = _record_tickets(world, N_EVENTS // 2)
        assert wait_until(lambda: len(_stream_ids(client, world.tenant.id)) >= len(before), timeout=60)
        kill_group(private_redis["proc"], sig=15)  # Redis goes away
        started = time.monotonic()
        during = _record_tickets(world, N_EVENTS // 2, start=N_EVENTS // 2)  # tickets still get created
        assert time.monotonic() - started < 30, "recording must not hang while Redis is down"
        time.sleep(2)
        private_redis["proc"] = start_redis(private_redis["port"], private_redis["data"])
        # The beat sweep (every 5 s) publishes what the lost kicks left behind.
        assert wait_until(lambda: _counts(world) == (N_EVENTS, N_EVENTS, N_EVENTS), timeout=120), (
            _counts(world),
            (tmp_path / "worker.log").read_text()[-3000:],
        )
        _assert_effects_once(world, before + during, receiver, mail_dir, client)
    finally:
        kill_group(worker, sig=15)
        receiver.stop()
