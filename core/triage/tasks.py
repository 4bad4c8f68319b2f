"""Celery tasks of triage: classify one ticket (retried while the AI service is down), backfill,
per-tenant retraining jobs and their schedule."""

from __future__ import annotations

from typing import Literal

from celery import shared_task
from django.conf import settings

from jobs.base import ReliableTask
from jobs.sweeps import requeue_once
from tenancy.context import tenant_context
from tenancy.selectors import active_tenant_ids, tenant_by_id
from triage.ai_client import AIClient, AIError, AIRequestError
from triage.models import JobStatus
from triage.selectors import corrections_since, labelled_examples, last_finished_training_job
from triage.services import ticket_triage_apply, ticket_triage_input, untriaged_ticket_ids
from triage.services.training import retraining_due, training_job_request, training_job_update


@shared_task(base=ReliableTask, name="triage.tasks.triage_ticket", ignore_result=True, max_retries=12)
def triage_ticket(tenant_id: int, ticket_id: int) -> bool:
    """Ask the AI service about one ticket and store the answer. Retries with back-off if it is down."""
    tenant = tenant_by_id(tenant_id=tenant_id)
    if tenant is None:
        return False
    ticket = ticket_triage_input(tenant=tenant, ticket_id=ticket_id)
    if ticket is None:
        return False
    result = AIClient().classify(tenant_id=tenant_id, **ticket)
    return ticket_triage_apply(tenant=tenant, ticket_id=ticket_id, result=result) is not None


@shared_task(name="triage.tasks.backfill", ignore_result=True)
def backfill() -> int:
    """Queue tickets that have no prediction yet, e.g. created while the AI service was down."""
    queued = 0
    for tenant_id in active_tenant_ids():
        tenant = tenant_by_id(tenant_id=tenant_id)
        if tenant is None:
            continue
        for ticket_id in untriaged_ticket_ids(tenant=tenant):
            # triage_ticket retries itself for about an hour while the AI service is down;
            # the backfill only catches lost kicks and spent retries, so once per window.
            queued += requeue_once(
                triage_ticket,
                key=f"triage:{ticket_id}",
                within_seconds=settings.FRONTLINE_TRIAGE_REQUEUE_SECONDS,
                tenant_id=tenant_id,
                ticket_id=ticket_id,
            )
    return queued


@shared_task(name="triage.tasks.run_training_job", ignore_result=True, acks_late=True)
def run_training_job(tenant_id: int, job_id: int) -> str:
    """Train the tenant's model from its labelled tickets through the AI service; record the outcome.

    Not retried: a failed job says why (too few labels, service down) and the next scheduled
    check or an admin queues a new one."""
    tenant = tenant_by_id(tenant_id=tenant_id)
    if tenant is None:
        return "no tenant"
    job = training_job_update(tenant=tenant, job_id=job_id)
    if job is None or job.status not in {JobStatus.QUEUED, JobStatus.RUNNING}:
        return "gone or finished"
    with tenant_context(tenant.id):
        since = last_finished_training_job(tenant=tenant, kind=job.kind)
        training_job_update(
            tenant=tenant, job_id=job_id, status=JobStatus.RUNNING, stage="collecting labels", progress=10
        )
        examples = labelled_examples(tenant=tenant)
        corrections = corrections_since(tenant=tenant, since=since.finished_at if since else None)
    training_job_update(
        tenant=tenant,
        job_id=job_id,
        stage="training",
        progress=30,
        labelled_tickets=len(examples),
        corrections=corrections,
    )
    try:
        kind: Literal["category", "priority"] = "priority" if job.kind == "priority" else "category"
        result = AIClient().train(tenant_id=tenant_id, examples=examples, kind=kind)
    except AIRequestError as exc:
        training_job_update(
            tenant=tenant, job_id=job_id, status=JobStatus.FAILED, stage="", error=str(exc.detail)
        )
        return "refused"
    except AIError as exc:
        training_job_update(tenant=tenant, job_id=job_id, status=JobStatus.FAILED, stage="", error=str(exc))
        return "unavailable"
    training_job_update(
        tenant=tenant,
        job_id=job_id,
        status=JobStatus.DONE,
        stage="",
        version=result["version"],
        activated=result["activated"],
        reason=result["reason"],
        metrics=result["metrics"],
        previous_metrics=result.get("previous_metrics"),
    )
    return "activated" if result["activated"] else "kept previous"


@shared_task(name="triage.tasks.retrain_due", ignore_result=True)
def retrain_due() -> int:
    """The schedule: queue a retraining for each tenant with enough new labels (or a day's worth)."""
    queued = 0
    for tenant_id in active_tenant_ids():
        tenant = tenant_by_id(tenant_id=tenant_id)
        trigger = retraining_due(tenant=tenant) if tenant is not None else None
        if tenant is not None and trigger is not None:
            training_job_request(tenant=tenant, actor=None, trigger=trigger)
            queued += 1
    return queued
