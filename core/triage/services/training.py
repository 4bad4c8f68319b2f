"""Per-tenant retraining: a job record, queued by an admin or the schedule, run in a worker.

The worker collects the tenant's labelled tickets (agent-set categories, corrections included),
sends them to the AI service's training API, which holds part of them out, scores the new
model against the active one on it and activates the new one only if it is better.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jobs import enqueue_on_commit, task_name
from tenancy.context import tenant_context
from tenancy.models import Membership, Tenant
from triage.models import Field, JobStatus, TrainingJob
from triage.selectors import (
    corrections_since,
    labelled_count,
    last_finished_training_job,
    open_training_job,
)

# A job queued or running this long was lost (broker down when queued, worker gone): it no
# longer blocks a new one. Training 10,000 tickets takes about a minute.
STALE_AFTER = dt.timedelta(hours=1)
RUN_TRAINING_JOB = task_name("triage.tasks.run_training_job")


def _open_job(tenant: Tenant, kind: str) -> TrainingJob | None:
    job = open_training_job(tenant=tenant, kind=kind)
    if job is not None and job.created_at < timezone.now() - STALE_AFTER:
        training_job_update(
            tenant=tenant,
            job_id=job.id,
            status=JobStatus.FAILED,
            error="Never finished (lost by the worker).",
        )
        return None
    return job


def training_job_request(
    *, tenant: Tenant, actor: Membership | None, kind: str = Field.CATEGORY, trigger: str = "admin"
) -> tuple[TrainingJob, bool]:
    """Queue a retraining unless one is already queued or running; returns (job, created)."""
    with tenant_context(tenant.id), transaction.atomic():
        existing = _open_job(tenant, kind)
        if existing is not None:
            return existing, False
        job = TrainingJob.objects.create(tenant=tenant, kind=kind, trigger=trigger, requested_by=actor)
        enqueue_on_commit(RUN_TRAINING_JOB, tenant_id=tenant.id, job_id=job.id)
    return job, True


def training_job_update(*, tenant: Tenant, job_id: int, **fields: Any) -> TrainingJob | None:
    with tenant_context(tenant.id), transaction.atomic():
        job = TrainingJob.objects.select_for_update().filter(tenant=tenant, id=job_id).first()
        if job is None:
            return None
        for name, value in fields.items():
            setattr(job, name, value)
        if fields.get("status") == JobStatus.RUNNING and job.started_at is None:
            job.started_at = timezone.now()
        if fields.get("status") in {JobStatus.DONE, JobStatus.FAILED}:
            job.finished_at = timezone.now()
            job.progress = 100
        job.save()
        return job


def retraining_due(*, tenant: Tenant, now: dt.datetime | None = None) -> str | None:
    """Why this tenant's category model should be retrained now (a trigger name), or None.

    Enough labels and no model trained yet; or AI_RETRAIN_NEW_LABELS new labels/corrections
    since the last training; or a day has passed and there is anything new at all."""
    now = now or timezone.now()
    with tenant_context(tenant.id):
        if _open_job(tenant, Field.CATEGORY) is not None:
            return None
        labelled = labelled_count(tenant=tenant)
        if labelled < settings.AI_MIN_LABELLED:
            return None
        last = last_finished_training_job(tenant=tenant, kind=Field.CATEGORY)
        if last is None:
            return "schedule"
        new = abs(labelled - (last.labelled_tickets or 0)) + corrections_since(
            tenant=tenant, since=last.finished_at
        )
    if new >= settings.AI_RETRAIN_NEW_LABELS:
        return "new-labels"
    if new and last.finished_at and now - last.finished_at >= dt.timedelta(hours=24):
        return "schedule"
    return None
