"""Fault tests with real worker processes: SIGKILL mid-batch, and Redis stopped and restarted.

Each test records ticket events in committed transactions, runs `celery -A config
worker` subprocesses against the test database (as the app role) and checks the
effects: the per-tenant stream, in-app notifications, emails (file backend) and
webhook POSTs to a local HTTP server.
"""

from __future__ import annotations

import time

import pytest
import redis

from config.celery import app as celery_app
from testing import workers
from testing.http_receiver import start_receiver
from testing.outbox_effects import (
    assert_effects_once,
    effect_counts,
    effects_world,
    record_ticket_events,
    stream_event_ids,
    subscribe_webhook,
)
from testing.workers import kill_group, start_worker, wait_until, worker_env

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.committed, pytest.mark.fault]
N_EVENTS = 12


@pytest.fixture
def world(settings):
    return effects_world(settings, "faulty")


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
    subscribe_webhook(world, receiver.url)
    events = record_ticket_events(world, N_EVENTS)  # each commit kicks the relay through the broker
    first = start_worker(env, log=tmp_path / "worker1.log")
    second = None
    try:
        # Kill while a webhook request is in flight (arrived, not yet answered).
        assert wait_until(lambda: receiver.arrivals >= 4, timeout=60), (tmp_path / "worker1.log").read_text()
        kill_group(first)
        in_flight_when_killed = receiver.arrivals - len(receiver.received)
        assert in_flight_when_killed >= 0
        done_before = effect_counts(world)
        assert done_before[0] < N_EVENTS  # the kill really was mid-batch
        second = start_worker(env, log=tmp_path / "worker2.log")
        assert wait_until(lambda: effect_counts(world) == (N_EVENTS, N_EVENTS, N_EVENTS), timeout=90), (
            effect_counts(world),
            (tmp_path / "worker2.log").read_text()[-3000:],
        )
        time.sleep(1.5)  # anything still queued twice would show up now
        assert_effects_once(
            world,
            events,
            receiver,
            mail_dir,
            redis.Redis.from_url(settings.REDIS_URL),
            scenario="a. worker SIGKILL mid-batch",
        )
    finally:
        if second is not None:
            kill_group(second, sig=15)
        receiver.stop()
        celery_app.control.purge()


@pytest.fixture
def private_redis(tmp_path, settings):
    with workers.private_redis(settings, tmp_path / "redis") as server:
        yield server


def test_redis_stopped_while_tickets_are_created_then_every_event_is_delivered(
    world, tmp_path, settings, private_redis
):
    receiver = start_receiver()
    mail_dir = tmp_path / "mail"
    env = worker_env(
        private_redis.url,
        FRONTLINE_MAIL_DIR=str(mail_dir),
        FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS="1",
        FRONTLINE_BEAT_SCHEDULE=str(tmp_path / "beat-schedule"),
    )
    subscribe_webhook(world, receiver.url)
    worker = start_worker(env, beat=True, log=tmp_path / "worker.log")
    client = redis.Redis.from_url(private_redis.url)
    try:
        before = record_ticket_events(world, N_EVENTS // 2)
        assert wait_until(lambda: len(stream_event_ids(client, world.tenant.id)) >= len(before), timeout=60)
        private_redis.stop()  # Redis goes away
        started = time.monotonic()
        during = record_ticket_events(world, N_EVENTS // 2, start=N_EVENTS // 2)  # tickets still get created
        assert time.monotonic() - started < 30, "recording must not hang while Redis is down"
        time.sleep(2)
        private_redis.start()
        # The beat sweep (every 5 s) publishes what the lost kicks left behind.
        assert wait_until(lambda: effect_counts(world) == (N_EVENTS, N_EVENTS, N_EVENTS), timeout=120), (
            effect_counts(world),
            (tmp_path / "worker.log").read_text()[-3000:],
        )
        assert_effects_once(
            world, before + during, receiver, mail_dir, client, scenario="b. Redis stop/start"
        )
    finally:
        kill_group(worker, sig=15)
        receiver.stop()
