"""Fault suite (a): a burst of 500 inbound emails through the real SMTP receiver process while
the Celery worker is killed with SIGKILL in the middle of a task.

Real processes: `manage.py smtp_receiver` takes the mail in (as the Procfile's `smtp:` does),
a Celery worker relays the outbox and runs the side effects, aiosmtpd receives the outbound
mail, a local HTTP server the webhooks. The worker is killed while its only pool process is
blocked in a webhook POST (the receiver holds the answer), then a fresh worker takes over.
Every ticket, notification, mail and webhook is counted by id (testing/fault_report.py).
"""

from __future__ import annotations

import os

import pytest

from testing.fault_stack import (
    InboundBurst,
    assert_inbound_once,
    broker_reset,
    drained_and_caught_up,
    fault_worker_env,
    inbound_message,
    lean_world,
    run_id,
    sent_count,
    side_effect_queues,
    start_smtp_receiver,
    ticket_count,
)
from testing.http_receiver import start_receiver
from testing.mail_catcher import start_mail_catcher
from testing.outbox_effects import subscribe_webhook
from testing.workers import kill_group, start_worker, wait_until

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.committed, pytest.mark.fault]
SCENARIO = "a. worker SIGKILL, 500 mails"
# 500 in CI; FRONTLINE_FAULT_BURST sets another size (a quick local run, a longer soak).
BURST = int(os.environ.get("FRONTLINE_FAULT_BURST", "500"))
# Bounds, not sleeps: each wait ends as soon as its condition holds. A starved machine (other
# jobs on both cores) needs minutes for the burst; an idle 2-core runner about a minute.
PATIENCE = 600


def test_sigkill_during_a_burst_of_500_inbound_mails_loses_and_repeats_nothing(tmp_path, settings):
    world = lean_world(settings, "burst")
    receiver = start_receiver()
    catcher = start_mail_catcher()
    subscribe_webhook(world, receiver.url)
    queues = side_effect_queues(settings)
    env = fault_worker_env(settings.REDIS_URL, catcher, tmp_path)
    broker_reset(settings.REDIS_URL)
    smtp = start_smtp_receiver(env, tmp_path / "smtp.log")
    first = start_worker(env, log=tmp_path / "worker1.log", extra_args=["-Q", ",".join(queues)])
    second = None
    run = run_id()
    burst = InboundBurst(smtp.port, [inbound_message(world.tenant.slug, n, run) for n in range(BURST)])
    try:
        receiver.delay = 5.0  # the first webhook POST hangs: the worker is mid-task
        burst.start()
        assert wait_until(lambda: receiver.arrivals > len(receiver.received), timeout=PATIENCE), (
            tmp_path / "worker1.log"
        ).read_text()
        kill_group(first)  # SIGKILL to the worker and its pool process
        receiver.delay = 0.0
        note = f"SIGKILL after {len(burst.accepted)} mails taken in, inside webhook POST #{receiver.arrivals}"
        assert len(burst.accepted) < BURST, "the kill came after the burst: nothing was in flight"
        second = start_worker(
            env, beat=True, log=tmp_path / "worker2.log", extra_args=["-Q", ",".join(queues)], concurrency=2
        )
        burst.join(timeout=PATIENCE)

        assert wait_until(
            lambda: drained_and_caught_up(world, receiver, BURST, settings.REDIS_URL, queues),
            timeout=PATIENCE,
            interval=0.5,
        ), (ticket_count(world), sent_count(world), (tmp_path / "worker2.log").read_text()[-3000:])
        assert_inbound_once(SCENARIO, world, burst.messages, catcher, receiver, note=note)
    finally:
        kill_group(first)  # already dead unless an assertion before the kill failed
        if second is not None:
            kill_group(second, sig=15)
        smtp.stop()
        receiver.stop()
        catcher.stop()
        broker_reset(settings.REDIS_URL)
