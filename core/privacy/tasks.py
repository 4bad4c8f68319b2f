"""Celery tasks of privacy: the archive writer and the hourly retention sweep (thin wrappers)."""

from __future__ import annotations

from celery import shared_task

from jobs.base import ReliableTask
from privacy.services import privacy_export_run, retention_run
from tenancy.selectors import active_tenant_ids


@shared_task(base=ReliableTask, name="privacy.tasks.run_export", ignore_result=True)
def run_export(tenant_id: int, job_id: int) -> None:
    privacy_export_run(tenant_id=tenant_id, job_id=job_id)


@shared_task(base=ReliableTask, name="privacy.tasks.retention_sweep", ignore_result=True)
def retention_sweep() -> int:
    return sum(retention_run(tenant_id=tenant_id) for tenant_id in active_tenant_ids())
