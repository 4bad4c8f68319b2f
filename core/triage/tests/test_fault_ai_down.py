"""Fault suite (d): the AI service (a real `uvicorn ai.main:app` process) is stopped for a while
as tickets keep being created through the API; creation never fails, and once the service is
back triage catches up on every ticket, once.

The production minute is scaled to seconds with settings (docs/development/testing.md): the
task retry back-off is capped at 3 s (FRONTLINE_TASK_RETRY_BACKOFF_MAX, 600 in production), and
the beat's backfill, which re-queues untriaged tickets, runs every 2 s and re-queues a ticket at
most every 3 s (FRONTLINE_TRIAGE_BACKFILL_SECONDS and FRONTLINE_TRIAGE_REQUEUE_SECONDS, 120 and
900 in production). The outage lasts until the backfill has re-queued every ticket created in
it at least once while nothing answered.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache

from ai.tests.server import free_port, running_ai_server
from jobs.models import DeadLetter
from tenancy.context import tenant_context
from testing import fault_report
from testing.factories import token_client
from testing.fault_stack import broker_reset, lean_world, side_effect_queues
from testing.workers import kill_group, start_worker, wait_until, worker_env
from tickets.models import Ticket, TicketChange

pytestmark = [pytest.mark.usefixtures("committed"), pytest.mark.committed, pytest.mark.fault]
SCENARIO = "d. AI service down"
TOKEN = "fault-suite-ai-token"
PER_PHASE = 8


def _triaged_ids(tenant_id: int) -> list[int]:
    with tenant_context(tenant_id):
        return list(Ticket.objects.exclude(ai_sentiment="").values_list("id", flat=True))


def _requeued_by_backfill(ticket_id: int) -> bool:
    return cache.get(f"sweep-requeued:triage:{ticket_id}") is not None


def test_ai_down_for_a_while_no_ticket_lost_no_create_error_and_triage_catches_up(
    tmp_path: Path, settings, monkeypatch
):
    monkeypatch.setenv("FRONTLINE_AI_EMBEDDINGS", "false")  # the keyword model: a lighter process
    world = lean_world(settings, "aidown")
    client, _ = token_client(world.agent)
    port = free_port()
    env = worker_env(
        settings.REDIS_URL,
        FRONTLINE_MAIL_DIR=str(tmp_path / "mail"),
        FRONTLINE_AI_URL=f"http://127.0.0.1:{port}",
        FRONTLINE_AI_TOKEN=TOKEN,
        FRONTLINE_AI_TIMEOUT="2",
        FRONTLINE_TASK_RETRY_BACKOFF_MAX="3",
        FRONTLINE_TRIAGE_BACKFILL_SECONDS="2",
        FRONTLINE_TRIAGE_REQUEUE_SECONDS="3",
        FRONTLINE_BEAT_SCHEDULE=str(tmp_path / "beat-schedule"),
    )
    queues = side_effect_queues(settings, ai=True)
    broker_reset(settings.REDIS_URL)
    worker = start_worker(env, beat=True, log=tmp_path / "worker.log", extra_args=["-Q", ",".join(queues)])
    statuses: list[int] = []
    created: list[str] = []

    def create(n: int, phase: str) -> list[int]:
        ids = []
        for i in range(n):
            response = client.post(
                "/api/v1/tickets",
                {"subject": f"{phase} {i}: the site is down", "body_text": "Nothing loads, urgent!"},
                content_type="application/json",
            )
            statuses.append(response.status_code)
            if response.status_code == 201:
                ids.append(response.json()["id"])
        created.extend(str(i) for i in ids)
        return ids

    try:
        with running_ai_server(TOKEN, tmp_path / "ai", port=port):
            create(PER_PHASE, "before")
            assert wait_until(lambda: len(_triaged_ids(world.tenant.id)) == PER_PHASE, timeout=60), (
                tmp_path / "worker.log"
            ).read_text()[-3000:]
        # The service is stopped: tickets are still created, and wait.
        during = create(PER_PHASE, "during")
        assert wait_until(lambda: all(_requeued_by_backfill(t) for t in during), timeout=30)
        assert not set(during) & set(_triaged_ids(world.tenant.id))
        with running_ai_server(TOKEN, tmp_path / "ai", port=port):
            create(PER_PHASE, "after")
            assert wait_until(lambda: len(_triaged_ids(world.tenant.id)) == 3 * PER_PHASE, timeout=60), (
                tmp_path / "worker.log"
            ).read_text()[-3000:]
        with tenant_context(world.tenant.id):
            ticket_ids = [str(i) for i in Ticket.objects.values_list("id", flat=True)]
            ai_changes = list(TicketChange.objects.filter(via="ai").values_list("ticket_id", "field"))
        fault_report.assert_exactly_once(
            SCENARIO,
            "tickets (API 201)",
            produced=created,
            delivered=ticket_ids,
            note=f"{statuses.count(201)}/{len(statuses)} creates answered 201",
        )
        fault_report.assert_exactly_once(
            SCENARIO,
            "triaged tickets",
            produced=created,
            delivered=[str(i) for i in _triaged_ids(world.tenant.id)],
            note=f"{len(during)} created while down",
        )
        assert statuses == [201] * 3 * PER_PHASE
        assert len(ai_changes) == len(set(ai_changes)), "a field set by the AI twice"
        assert not DeadLetter.objects.exists()
    finally:
        kill_group(worker, sig=15)
        broker_reset(settings.REDIS_URL)
