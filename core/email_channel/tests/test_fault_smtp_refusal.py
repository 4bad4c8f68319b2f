"""Fault suite (e): the outbound SMTP relay refuses every message once (451, a temporary
failure) and then accepts: each mail reaches it exactly once.

Real processes: a Celery worker sends through Django's SMTP backend to aiosmtpd
(testing/mail_catcher.py), which answers DATA with 451 for the first messages. The send task
retries with back-off; the outbox row stays pending until a send is accepted.
"""

from __future__ import annotations

import pytest

from testing.fault_stack import (
    assert_side_effects_once,
    broker_reset,
    drained_and_caught_up,
    fault_worker_env,
    lean_world,
    sent_count,
    side_effect_queues,
)
from testing.mail_catcher import start_mail_catcher
from testing.outbox_effects import record_ticket_events
from testing.workers import kill_group, start_worker, wait_until

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.committed, pytest.mark.fault]
SCENARIO = "e. SMTP relay 451, then 250"
N_EVENTS = 30


def test_a_relay_refusing_then_accepting_gets_every_mail_exactly_once(tmp_path, settings):
    world = lean_world(settings, "relay")
    catcher = start_mail_catcher()
    catcher.refuse_next = N_EVENTS  # every first attempt is refused
    queues = side_effect_queues(settings)
    env = fault_worker_env(settings.REDIS_URL, catcher, tmp_path)
    broker_reset(settings.REDIS_URL)
    worker = start_worker(env, beat=True, log=tmp_path / "worker.log", extra_args=["-Q", ",".join(queues)])
    try:
        record_ticket_events(world, N_EVENTS)
        assert wait_until(lambda: catcher.refused == N_EVENTS, timeout=60), (
            catcher.refused,
            (tmp_path / "worker.log").read_text()[-3000:],
        )
        assert sent_count(world) < N_EVENTS  # refused mail is still pending, not marked sent
        assert wait_until(
            lambda: drained_and_caught_up(world, None, N_EVENTS, settings.REDIS_URL, queues),
            timeout=90,
            interval=0.5,
        ), (sent_count(world), len(catcher.mails), (tmp_path / "worker.log").read_text()[-3000:])
        assert_side_effects_once(SCENARIO, world, catcher, None, note=f"{catcher.refused} sends answered 451")
    finally:
        kill_group(worker, sig=15)
        catcher.stop()
        broker_reset(settings.REDIS_URL)
