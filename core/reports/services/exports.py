"""Export jobs: a Celery worker writes a file (a large ticket list as CSV here, a chunk per
transaction), recording its progress so the app can show it; the file is downloaded through the
API until it expires. `export_job_writing` is the machinery every kind of export shares."""

from __future__ import annotations

import csv
import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
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
# A CSV export can be downloaded for a week; then its file is deleted.
EXPORT_TTL = dt.timedelta(days=7)


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


def export_job_update(*, tenant_id: int, job_id: int, **fields: Any) -> None:
    """Record a job's state in its own short transaction, so a reader sees the progress."""
    with tenant_context(tenant_id):
        ExportJob.objects.filter(tenant_id=tenant_id, id=job_id).update(**fields)


@contextmanager
def export_job_writing(*, job: ExportJob, total: int, suffix: str, ttl: dt.timedelta) -> Iterator[Path]:
    """The file a job writes: marks it running with `total` (the unit its progress counts),
    yields the path, then marks it done (expiring after `ttl`) or failed with the error.
    Every kind of background export runs through this; it reports progress with
    `export_job_update(rows_done=...)`."""
    name = job.file_name or f"{job.id}-{secrets.token_hex(8)}{suffix}"
    export_job_update(
        tenant_id=job.tenant_id, job_id=job.id, status=ExportStatus.RUNNING, rows_total=total, rows_done=0,
        file_name=name, error="",
    )  # fmt: skip
    folder = export_dir(job.tenant_id)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield folder / name
    except Exception as exc:
        export_job_update(
            tenant_id=job.tenant_id, job_id=job.id, status=ExportStatus.FAILED, error=str(exc)[:500],
            finished_at=timezone.now(),
        )  # fmt: skip
        raise
    now = timezone.now()
    export_job_update(
        tenant_id=job.tenant_id, job_id=job.id, status=ExportStatus.DONE, finished_at=now,
        expires_at=now + ttl,
    )  # fmt: skip


def export_jobs_expire(*, tenant_id: int) -> int:
    """Delete the files of a tenant's jobs past their expiry (the rows stay, answering 410)."""
    with tenant_context(tenant_id):
        expired = list(
            ExportJob.objects.filter(tenant_id=tenant_id, expires_at__lte=timezone.now())
            .exclude(file_name="")
            .values_list("id", "file_name")
        )
    for job_id, name in expired:
        (export_dir(tenant_id) / name).unlink(missing_ok=True)
        export_job_update(tenant_id=tenant_id, job_id=job_id, file_name="")
    return len(expired)


def export_job_run(*, tenant_id: int, job_id: int) -> None:
    """Write the job's CSV, JOB_CHUNK rows per short transaction (keyset on the ticket id),
    recording rows_done after each so readers see the progress; idempotent on retry."""
    with tenant_context(tenant_id):
        job = ExportJob.objects.select_related("requested_by", "tenant").filter(id=job_id).first()
        if job is None or job.status == ExportStatus.DONE:
            return
        total = _ticket_rows(job.tenant, job.requested_by, job.params).count()
    done, last_id = 0, 0
    with (
        export_job_writing(job=job, total=total, suffix=".csv", ttl=EXPORT_TTL) as path,
        path.open("w", newline="", encoding="utf-8") as handle,
    ):
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
            export_job_update(tenant_id=tenant_id, job_id=job_id, rows_done=done)
