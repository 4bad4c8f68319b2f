"""RabbitMQ as the Celery broker: the outbox stays exact, also when a worker is SIGKILLed mid-burst.

Real processes: `celery -A config worker` subprocesses whose only broker setting is
FRONTLINE_CELERY_BROKER_URL=amqp://..., the test database as the app role, the test Redis
for the streams. The queue names carry a prefix unique to the run, so another run (or another
checkout's tests) on the same RabbitMQ never takes these messages.

The broker is FRONTLINE_TEST_AMQP_URL (default: a local RabbitMQ with the guest account). When
it does not answer, the test is skipped with the reason: a bare machine has no RabbitMQ and
none can be installed with pip; CI runs one.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import redis
from kombu import Connection

from config.celery import app as celery_app
from testing.http_receiver import start_receiver
from testing.outbox_effects import (
    assert_effects_once,
    effect_counts,
    effects_world,
    record_ticket_events,
    stream_event_ids,
    subscribe_webhook,
    unpublished_count,
)
from testing.workers import celery_broker, kill_group, start_worker, wait_until, worker_env

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.committed, pytest.mark.fault]
AMQP_URL = os.environ.get("FRONTLINE_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
BURST = 8


@dataclass
class AmqpBroker:
    url: str
    queue_prefix: str

    @property
    def queues(self) -> list[str]:
        return list(celery_app.conf.task_queues)  # this run's names, as the workers see them too

    def message_count(self) -> int:
        with Connection(self.url, connect_timeout=2) as conn:
            channel = conn.default_channel
            return sum(int(channel.queue_declare(q, passive=True).message_count) for q in self.queues)


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 5672}"  # never the password


@pytest.fixture
def amqp_broker() -> Iterator[AmqpBroker]:
    try:
        with Connection(AMQP_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:
        pytest.skip(f"no RabbitMQ answers at {_where(AMQP_URL)} (FRONTLINE_TEST_AMQP_URL): {exc}")
    broker = AmqpBroker(url=AMQP_URL, queue_prefix=f"frontline-test-{uuid.uuid4().hex[:12]}.")
    with celery_broker(AMQP_URL, queue_prefix=broker.queue_prefix):
        try:
            yield broker
        finally:
            # The run's queues and their exchange (named after the default queue).
            with Connection(AMQP_URL, connect_timeout=2) as conn:
                channel = conn.default_channel
                for queue in broker.queues:
                    channel.queue_delete(queue)
                channel.exchange_delete(celery_app.conf.task_default_queue)


@pytest.fixture
def world(settings):
    return effects_world(settings, "rabbit")


def test_outbox_on_rabbitmq_is_exact_and_survives_a_sigkilled_worker(amqp_broker, world, tmp_path, settings):
    receiver = start_receiver()
    mail_dir = tmp_path / "mail"
    env = worker_env(
        settings.REDIS_URL,
        FRONTLINE_CELERY_BROKER_URL=amqp_broker.url,
        FRONTLINE_CELERY_QUEUE_PREFIX=amqp_broker.queue_prefix,
        FRONTLINE_MAIL_DIR=str(mail_dir),
        FRONTLINE_WEBHOOKS_ALLOW_PRIVATE_TARGETS="1",
        FRONTLINE_BEAT_SCHEDULE=str(tmp_path / "beat-schedule"),
    )
    node = ["-n", f"{amqp_broker.queue_prefix}%h"]  # no clash with other workers' control queues
    stream = redis.Redis.from_url(settings.REDIS_URL)
    subscribe_webhook(world, receiver.url)
    # No beat: nothing sweeps, so every effect below came through kicks sent over RabbitMQ.
    first = start_worker(env, log=tmp_path / "worker1.log", extra_args=node)
    second = None
    try:
        # given a burst of commits, each kicking the relay through RabbitMQ
        calm = record_ticket_events(world, BURST)
        assert wait_until(lambda: effect_counts(world) == (BURST,) * 3, timeout=40), (
            effect_counts(world),
            (tmp_path / "worker1.log").read_text()[-3000:],
        )
        # then every row is published once and every stream entry is there once
        assert unpublished_count(world) == 0
        assert Counter(stream_event_ids(stream, world.tenant.id)) == Counter(str(e.id) for e in calm)
        assert_effects_once(world, calm, receiver, mail_dir, stream, scenario="a. RabbitMQ broker, calm")

        # given the worker is SIGKILLed while a webhook request of the next burst is in flight
        receiver.delay = 0.4
        arrived = receiver.arrivals
        stormy = record_ticket_events(world, BURST, start=BURST)
        assert wait_until(lambda: receiver.arrivals >= arrived + 2, timeout=30)
        kill_group(first)
        assert effect_counts(world)[0] < 2 * BURST, "the kill really was mid-burst"
        # then a new worker (with beat: the outbox sweep) finishes it: RabbitMQ gave the
        # killed worker's unacknowledged messages back when its connection dropped
        second = start_worker(env, beat=True, log=tmp_path / "worker2.log", extra_args=node)
        assert wait_until(lambda: effect_counts(world) == (2 * BURST,) * 3, timeout=40), (
            effect_counts(world),
            (tmp_path / "worker2.log").read_text()[-3000:],
        )
        time.sleep(1.0)  # anything still queued twice would show up now
        assert unpublished_count(world) == 0
        assert_effects_once(
            world, calm + stormy, receiver, mail_dir, stream, scenario="a. RabbitMQ broker, SIGKILL"
        )
        assert amqp_broker.message_count() == 0, "nothing left behind in the queues"
    finally:
        kill_group(first)
        if second is not None:
            kill_group(second, sig=15)
        receiver.stop()
