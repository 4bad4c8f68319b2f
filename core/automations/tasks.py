"""Celery tasks of automations: the hourly time-rule sweep, and sending queued deliveries."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from automations.services.deliveries import delivery_send
from automations.services.time_rules import run_time_rules
from tenancy.context import tenant_context
from tenancy.selectors import active_tenant_ids, tenant_by_id


@shared_task(name="automations.tasks.run_time_rules", acks_late=True, ignore_result=True)
def time_rules_sweep() -> int:
    now, total = timezone.now(), 0
    for tenant_id in active_tenant_ids():
        with tenant_context(tenant_id):
            tenant = tenant_by_id(tenant_id=tenant_id)
            if tenant is not None:
                total += run_time_rules(tenant=tenant, now=now)
    return total


@shared_task(
    name="automations.tasks.deliver",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(RuntimeError,),
    retry_backoff=True,
)
def deliver(tenant_id: int, delivery_id: int) -> str:
    status = delivery_send(tenant_id=tenant_id, delivery_id=delivery_id)
    if status == "pending":
        raise RuntimeError("delivery not sent yet; retrying")
    return status
