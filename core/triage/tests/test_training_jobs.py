"""Per-tenant retraining through the real AI service: too few labels fail with a reason and keep
category prediction off end to end; enough labels train, activate and serve; a real worker runs
the admin-triggered job; the schedule queues tenants with enough new labels."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from ai.tests.server import running_ai_server
from tenancy.context import tenant_context
from testing.factories import session_client
from testing.isolation import assert_other_tenant_gets_404
from testing.workers import kill_group, start_worker, wait_until, worker_env
from tickets.models import Ticket
from tickets.services.tickets import ticket_create
from triage.models import TrainingJob
from triage.services.training import retraining_due, training_job_request
from triage.tasks import retrain_due, run_training_job, triage_ticket

TOKEN = "training-test-token"
WORDS = {
    "billing": ["invoice", "refund", "charged", "payment", "card", "receipt"],
    "access": ["password", "login", "locked", "account", "reset", "signin"],
}


@pytest.fixture(scope="module")
def ai_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_ai_server(TOKEN, Path(tmp_path_factory.mktemp("ai"))) as base:
        yield base


def _labelled(world, per_category: int) -> None:
    """Tickets an agent created with a category: the tenant's labels."""
    with tenant_context(world.tenant.id):
        for category, words in WORDS.items():
            for i in range(per_category):
                ticket_create(
                    tenant=world.tenant,
                    actor=world.agent,
                    subject=f"{words[i % 6]} {words[(i + 1) % 6]} question {i}",
                    body_text=f"Hello, my {words[(i + 2) % 6]} and {words[(i + 3) % 6]} need help",
                    category=category,
                    requester_id=world.customer.id,
                    channel="agent",
                )


def _new_ticket(world, subject: str, body: str) -> Ticket:
    with tenant_context(world.tenant.id):
        return ticket_create(
            tenant=world.tenant, actor=world.customer, subject=subject, body_text=body
        ).ticket


def _job(world, job_id: int) -> TrainingJob:
    with tenant_context(world.tenant.id):
        return TrainingJob.objects.get(id=job_id)


@pytest.mark.django_db
def test_no_model_keeps_category_off_then_training_turns_it_on(two_tenants, ai_url):
    a = two_tenants.a
    admin = session_client(a.admin)
    with override_settings(AI_URL=ai_url, AI_TOKEN=TOKEN):
        # No tenant model: the category is a zero-shot suggestion (generic set), never applied.
        early = _new_ticket(a, "Refund for a double charged invoice", "card payment charged twice")
        assert triage_ticket.run(a.tenant.id, early.id) is True
        with tenant_context(a.tenant.id):
            stored = Ticket.objects.get(id=early.id)
        assert (stored.category, stored.ai_category, stored.ai_model_version) == ("", "Billing", "zero-shot")
        shown = session_client(a.agent).get(f"/api/v1/tickets/{early.id}/ai").json()
        assert shown["category"]["enabled"] is True
        assert "zero-shot" in shown["category"]["reason"] and "0 so far" in shown["category"]["reason"]

        _labelled(a, 10)  # 20 labels: not enough
        response = admin.post("/api/v1/ai/training-jobs", data="{}", content_type="application/json")
        assert response.status_code == 202, response.content
        job_id = response.json()["id"]
        assert response.json()["status"] == "queued"
        assert run_training_job.run(a.tenant.id, job_id) == "refused"
        failed = admin.get(f"/api/v1/ai/training-jobs/{job_id}").json()
        assert failed["status"] == "failed" and "at least 50 labelled" in failed["error"]
        assert failed["labelled_tickets"] == 20

        _labelled(a, 30)  # 80 labels now
        job, created = training_job_request(tenant=a.tenant, actor=a.admin)
        assert created
        assert training_job_request(tenant=a.tenant, actor=a.admin) == (job, False)  # one at a time
        assert run_training_job.run(a.tenant.id, job.id) == "activated"
        done = admin.get(f"/api/v1/ai/training-jobs/{job.id}").json()
        assert (done["status"], done["progress"], done["version"], done["activated"]) == (
            "done",
            100,
            1,
            True,
        )
        assert done["labelled_tickets"] == 80 and done["metrics"]["accuracy"] >= 0.9
        assert done["started_at"] and done["finished_at"]

        later = _new_ticket(a, "I was charged twice", "refund the card payment on my invoice")
        triage_ticket.run(a.tenant.id, later.id)
        with tenant_context(a.tenant.id):
            stored = Ticket.objects.get(id=later.id)
        assert stored.ai_category == "billing" and stored.ai_model_version == "1"
        listed = admin.get("/api/v1/ai/training-jobs").json()
        assert [j["id"] for j in listed] == [job.id, job_id]
    assert session_client(a.agent).get("/api/v1/ai/training-jobs").status_code == 403
    assert_other_tenant_gets_404(two_tenants, "get", f"/api/v1/ai/training-jobs/{job.id}")
    assert session_client(two_tenants.b.admin).get("/api/v1/ai/training-jobs").json() == []


@pytest.mark.django_db
def test_ai_down_fails_the_job_with_the_reason(two_tenants):
    a = two_tenants.a
    _labelled(a, 30)
    job, _ = training_job_request(tenant=a.tenant, actor=None, trigger="schedule")
    with override_settings(AI_URL="http://127.0.0.1:9", AI_TOKEN=TOKEN):
        assert run_training_job.run(a.tenant.id, job.id) == "unavailable"
    assert _job(a, job.id).status == "failed" and "unreachable" in _job(a, job.id).error


@pytest.mark.django_db
def test_schedule_queues_tenants_with_enough_new_labels(two_tenants, settings):
    settings.AI_RETRAIN_NEW_LABELS = 10
    a, b = two_tenants.a, two_tenants.b
    _labelled(a, 30)
    _labelled(b, 5)  # 10 labels: below the minimum of 50
    assert retraining_due(tenant=a.tenant) == "schedule" and retraining_due(tenant=b.tenant) is None
    assert retrain_due() == 1
    with tenant_context(a.tenant.id):
        job = TrainingJob.objects.get()
        assert job.trigger == "schedule"
        assert retraining_due(tenant=a.tenant) is None  # one queued already
        job.status, job.labelled_tickets, job.finished_at = "done", 60, timezone.now()
        job.save()
    assert retraining_due(tenant=a.tenant) is None  # nothing new
    _labelled(a, 5)
    assert retraining_due(tenant=a.tenant) == "new-labels"
    settings.AI_RETRAIN_NEW_LABELS = 1000
    assert retraining_due(tenant=a.tenant) is None
    assert retraining_due(tenant=a.tenant, now=timezone.now() + dt.timedelta(hours=25)) == "schedule"


@pytest.mark.django_db
def test_a_lost_job_stops_blocking_after_an_hour(two_tenants):
    a = two_tenants.a
    lost, _ = training_job_request(tenant=a.tenant, actor=None)
    with tenant_context(a.tenant.id):
        TrainingJob.objects.filter(id=lost.id).update(created_at=timezone.now() - dt.timedelta(hours=2))
    fresh, created = training_job_request(tenant=a.tenant, actor=None)
    assert created and fresh.id != lost.id
    assert _job(a, lost.id).status == "failed" and "Never finished" in _job(a, lost.id).error


@pytest.mark.committed
@pytest.mark.usefixtures("committed")
def test_admin_triggered_job_runs_in_a_real_worker(settings, tmp_path):
    from testing.factories import make_world

    world = make_world("trainer")
    _labelled(world, 30)
    # Its own AI service: tenant ids restart after a committed test, models must not carry over.
    with running_ai_server(TOKEN, tmp_path / "ai") as ai_url:
        _run_job_in_worker(world, ai_url, settings, tmp_path)


def _run_job_in_worker(world, ai_url, settings, tmp_path):
    env = worker_env(settings.REDIS_URL, FRONTLINE_AI_URL=ai_url, FRONTLINE_AI_TOKEN=TOKEN)
    worker = start_worker(env, log=tmp_path / "worker.log")
    try:
        client = session_client(world.admin)
        response = client.post(
            "/api/v1/ai/training-jobs", data=json.dumps({"kind": "category"}), content_type="application/json"
        )
        assert response.status_code == 202, response.content
        path = f"/api/v1/ai/training-jobs/{response.json()['id']}"
        assert wait_until(lambda: client.get(path).json()["status"] in {"done", "failed"}, timeout=120)
        job = client.get(path).json()
        assert job["status"] == "done", (job, (tmp_path / "worker.log").read_text()[-2000:])
        assert job["activated"] is True and job["version"] == 1 and job["labelled_tickets"] == 60
    finally:
        kill_group(worker, sig=15)
