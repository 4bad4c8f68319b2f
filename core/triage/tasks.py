"""Celery tasks of triage: classify one ticket (retried while the AI service is down), backfill."""

from __future__ import annotations

from celery import shared_task

from jobs.base import ReliableTask
from tenancy.selectors import active_tenant_ids, tenant_by_id
from triage.ai_client import AIClient
from triage.services import ticket_triage_apply, ticket_triage_text, untriaged_ticket_ids


@shared_task(base=ReliableTask, name="triage.tasks.triage_ticket", ignore_result=True, max_retries=12)
def triage_ticket(tenant_id: int, ticket_id: int) -> bool:
    """Ask the AI service about one ticket and store the answer. Retries with back-off if it is down."""
    tenant = tenant_by_id(tenant_id=tenant_id)
    if tenant is None:
        return False
    text = ticket_triage_text(tenant=tenant, ticket_id=ticket_id)
    if text is None:
        return False
    subject, body = text
    result = AIClient().classify(tenant_id=tenant_id, subject=subject, body=body)
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
            triage_ticket.apply_async(args=(tenant_id, ticket_id))
            queued += 1
    return queued
