"""Celery tasks of reports: the scheduled catch-up that folds late changes into the rollups, the
export jobs and the sweep that deletes expired export files (of every kind)."""

from __future__ import annotations

from celery import shared_task

from jobs.base import ReliableTask
from reports.services import export_job_run, export_jobs_expire, rollups_catch_up
from tenancy.context import tenant_context
from tenancy.selectors import active_tenant_ids, tenant_by_id


@shared_task(base=ReliableTask, name="reports.tasks.catch_up", ignore_result=True)
def catch_up() -> int:
    changed = 0
    for tenant_id in active_tenant_ids():
        with tenant_context(tenant_id):
            tenant = tenant_by_id(tenant_id=tenant_id)
            if tenant is not None:
                changed += rollups_catch_up(tenant=tenant)
    return changed


@shared_task(base=ReliableTask, name="reports.tasks.run_export", ignore_result=True)
def run_export(tenant_id: int, job_id: int) -> None:
    export_job_run(tenant_id=tenant_id, job_id=job_id)


@shared_task(base=ReliableTask, name="reports.tasks.expire_exports", ignore_result=True)
def expire_exports() -> int:
    return sum(export_jobs_expire(tenant_id=tenant_id) for tenant_id in active_tenant_ids())
