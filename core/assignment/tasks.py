"""Celery tasks of assignment: give queued (unassigned) tickets to agents as they become free."""

from __future__ import annotations

from celery import shared_task

from assignment.services import assign_waiting
from tenancy.context import tenant_context
from tenancy.selectors import active_tenant_ids, tenant_by_id


@shared_task(name="assignment.tasks.assign_waiting_for_tenant", acks_late=True, ignore_result=True)
def assign_waiting_for_tenant(tenant_id: int) -> int:
    with tenant_context(tenant_id):
        tenant = tenant_by_id(tenant_id=tenant_id)
        return assign_waiting(tenant=tenant) if tenant is not None else 0


@shared_task(name="assignment.tasks.assign_waiting", acks_late=True, ignore_result=True)
def assign_waiting_sweep() -> int:
    return sum(assign_waiting_for_tenant(tenant_id) for tenant_id in active_tenant_ids())
