"""Celery tasks of notifications: the periodic email digest."""

from __future__ import annotations

from celery import shared_task

from jobs.base import ReliableTask
from notifications.services import digests_send
from tenancy.context import tenant_context
from tenancy.selectors import active_tenant_ids, tenant_by_id


@shared_task(base=ReliableTask, name="notifications.tasks.send_digests", ignore_result=True)
def send_digests() -> int:
    sent = 0
    for tenant_id in active_tenant_ids():
        with tenant_context(tenant_id):
            tenant = tenant_by_id(tenant_id=tenant_id)
            if tenant is not None:
                sent += digests_send(tenant=tenant)
    return sent
