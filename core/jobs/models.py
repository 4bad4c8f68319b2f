"""Dead letters: tasks that exhausted their retries, kept for operators to inspect and re-drive."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class DeadLetter(models.Model):
    """A platform record (operators only, in the admin), not tenant data: it is written
    by the worker outside any tenant context, so it carries the tenant id as plain info."""

    task_name = models.CharField(max_length=200)
    task_id = models.CharField(max_length=64)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    # Named apart from tenant_id: this platform table is not tenant data (no RLS policy).
    about_tenant_id = models.BigIntegerField(null=True, blank=True)
    retries = models.PositiveIntegerField(default=0)
    exception = models.TextField()
    traceback = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    redriven_at = models.DateTimeField(null=True, blank=True)
    redriven_task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["-created_at"], name="deadletter_recent_idx")]

    def __str__(self) -> str:
        return f"{self.task_name} {self.task_id}"
