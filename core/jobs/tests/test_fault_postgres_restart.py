"""Fault suite (c): PostgreSQL restarted while inbound mail flows and the worker runs its side
effects; nothing is lost, nothing is done twice.

The test owns the server: a cluster of its own from the embedded PostgreSQL binaries
(testing/private_postgres.py, never the machine's server) with a copy of the test database.
Real processes: the SMTP receiver (`manage.py smtp_receiver`) takes the mail in, a Celery worker
with beat runs the side effects, aiosmtpd and a local HTTP server are the far ends. The server
is stopped (`pg_ctl stop -m fast`, every session ended) mid-burst while the worker waits for the
relay's answer to a mail (aiosmtpd holds it), the relay then takes that mail, and the server
starts again once the SMTP receiver has answered a sender with a temporary failure. Before
`send_now` recorded a sent mail again on a new connection, that mail went out twice.
"""

from __future__ import annotations

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
    side_effect_queues,
    start_smtp_receiver,
    ticket_count,
)
from testing.http_receiver import start_receiver
from testing.mail_catcher import start_mail_catcher
from testing.outbox_effects import subscribe_webhook
from testing.private_postgres import private_postgres
from testing.workers import kill_group, start_worker, wait_until

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.committed, pytest.mark.fault]
SCENARIO = "c. PostgreSQL restart"
BURST = 60


def test_postgres_restart_while_mail_flows_loses_and_repeats_nothing(tmp_path, settings):
    with private_postgres(tmp_path / "pg") as postgres:
        world = lean_world(settings, "pgrestart")
        receiver = start_receiver()
        catcher = start_mail_catcher()
        subscribe_webhook(world, receiver.url)
        queues = side_effect_queues(settings)
        env = fault_worker_env(settings.REDIS_URL, catcher, tmp_path)
        broker_reset(settings.REDIS_URL)
        smtp = start_smtp_receiver(env, tmp_path / "smtp.log")
        worker = start_worker(
            env, beat=True, log=tmp_path / "worker.log", extra_args=["-Q", ",".join(queues)]
        )
        run = run_id()
        messages = [inbound_message(world.tenant.slug, n, run) for n in range(BURST)]
        first = InboundBurst(smtp.port, messages[: BURST // 2])
        second = InboundBurst(smtp.port, messages[BURST // 2 :])
        try:
            # The worker is sending a mail and waits for the relay's answer when the server stops;
            # the relay then takes that mail (250) while the database is down.
            catcher.hold_next = True
            first.start()
            assert wait_until(catcher.holding.is_set, timeout=90), (tmp_path / "worker.log").read_text()[
                -3000:
            ]
            postgres.stop("fast")
            catcher.release()
            # Mail keeps arriving during the outage: the receiver answers 451, the sender retries.
            second.start()
            assert wait_until(lambda: second.retries >= 1, timeout=60), "no sender was told to try later"
            postgres.start()
            first.join(timeout=180)
            second.join(timeout=180)

            assert wait_until(
                lambda: drained_and_caught_up(world, receiver, BURST, settings.REDIS_URL, queues),
                timeout=150,
                interval=0.5,
            ), (ticket_count(world), (tmp_path / "worker.log").read_text()[-3000:])
            retries = first.retries + second.retries
            note = f"{retries} SMTP retries in the outage; a mail taken by the relay while it was down"
            assert_inbound_once(SCENARIO, world, messages, catcher, receiver, note=note)
        finally:
            kill_group(worker, sig=15)
            smtp.stop()
            receiver.stop()
            catcher.stop()
            broker_reset(settings.REDIS_URL)
