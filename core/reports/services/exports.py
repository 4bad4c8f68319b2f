"""CSV export jobs: a Celery worker writes a large ticket list to a file, a chunk per transaction,
recording its progress so the app can show it; the file is downloaded through the API."""

from __future__ import annotations

import csv
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jobs import enqueue_on_commit, task_name
from reports.exports import csv_cell
from reports.models import ExportJob, ExportStatus
from reports.selectors import EXPORT_COLUMNS, ticket_export_queryset
from tenancy.context import tenant_context
from tenancy.models import Membership, Tenant
from tickets.filters import ListQuery, filters_from

EXPORT_KINDS = ("tickets",)
JOB_CHUNK = 2000
RUN_EXPORT = task_name("reports.tasks.run_export")


def export_dir(tenant_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "exports" / str(int(tenant_id))


@transaction.atomic
def export_job_create(*, tenant: Tenant, member: Membership, kind: str, params: dict[str, Any]) -> ExportJob:
    """Queue an export; the filters are checked now, so a bad one fails before any work."""
    if kind not in EXPORT_KINDS:
        raise ValidationError({"kind": f"Use one of {', '.join(EXPORT_KINDS)}."})
    _ticket_rows(tenant, member, params)  # validates the filters
    job = ExportJob.objects.create(tenant=tenant, requested_by=member, kind=kind, params=params)
    enqueue_on_commit(RUN_EXPORT, tenant_id=tenant.id, job_id=job.id)
    return job


def _ticket_rows(tenant: Tenant, member: Membership, params: dict[str, Any]) -> Any:
    try:
        query = ListQuery(**params)
    except ValueError as exc:
        raise ValidationError({"params": str(exc)[:300]}) from exc
    return ticket_export_queryset(tenant=tenant, viewer=member, filters=filters_from(query, member))


def _update(tenant_id: int, job_id: int, **fields: Any) -> None:
    with tenant_context(tenant_id):
        ExportJob.objects.filter(tenant_id=tenant_id, id=job_id).update(**fields)


def export_job_run(*, tenant_id: int, job_id: int) -> None:
    """Write the job's CSV, JOB_CHUNK rows per short transaction (keyset on the ticket id),
    recording rows_done after each so readers see the progress; idempotent on retry."""
    with tenant_context(tenant_id):
        job = ExportJob.objects.select_related("requested_by", "tenant").filter(id=job_id).first()
        if job is None or job.status == ExportStatus.DONE:
            return
        total = _ticket_rows(job.tenant, job.requested_by, job.params).count()
    name = job.file_name or f"{job.id}-{secrets.token_hex(8)}.csv"
    _update(tenant_id, job_id, status=ExportStatus.RUNNING, rows_total=total, rows_done=0, file_name=name)
    folder = export_dir(tenant_id)
    folder.mkdir(parents=True, exist_ok=True)
    done, last_id = 0, 0
    try:
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(EXPORT_COLUMNS)
            while True:
                with tenant_context(tenant_id):
                    rows = list(
                        _ticket_rows(job.tenant, job.requested_by, job.params)
                        .filter(id__gt=last_id)
                        .values_list("id", *EXPORT_COLUMNS)[:JOB_CHUNK]
                    )
                if not rows:
                    break
                for row in rows:
                    writer.writerow([csv_cell(v) for v in row[1:]])
                done, last_id = done + len(rows), rows[-1][0]
                _update(tenant_id, job_id, rows_done=done)
    except Exception as exc:
        _update(
            tenant_id, job_id, status=ExportStatus.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        raise
    _update(tenant_id, job_id, status=ExportStatus.DONE, rows_done=done, finished_at=timezone.now())
