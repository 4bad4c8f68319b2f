"""Write and re-drive dead letters."""

from __future__ import annotations

import json
from typing import Any

from celery import current_app
from django.db import transaction
from django.utils import timezone

from jobs.models import DeadLetter


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def dead_letter_record(
    *,
    task_name: str,
    task_id: str,
    args: list[Any] | tuple[Any, ...],
    kwargs: dict[str, Any],
    retries: int,
    exception: str,
    traceback: str = "",
) -> DeadLetter:
    tenant_id = kwargs.get("tenant_id")
    with transaction.atomic():
        return DeadLetter.objects.create(
            task_name=task_name,
            task_id=task_id,
            args=_jsonable(list(args)),
            kwargs=_jsonable(kwargs),
            about_tenant_id=tenant_id if isinstance(tenant_id, int) else None,
            retries=retries,
            exception=exception[:4000],
            traceback=traceback[-20000:],
        )


def dead_letter_redrive(*, dead_letter: DeadLetter) -> str:
    """Send the task again with its original arguments; returns the new task id."""
    with transaction.atomic():
        locked = DeadLetter.objects.select_for_update().get(pk=dead_letter.pk)
        result = current_app.send_task(locked.task_name, args=locked.args, kwargs=locked.kwargs)
        locked.redriven_at = timezone.now()
        locked.redriven_task_id = result.id
        locked.save(update_fields=["redriven_at", "redriven_task_id"])
    return str(result.id)
