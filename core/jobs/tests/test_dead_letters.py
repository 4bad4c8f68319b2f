"""A task that exhausts its retries leaves a dead letter an operator can re-drive."""

import pytest
from celery import shared_task

from jobs.base import ReliableTask
from jobs.models import DeadLetter
from jobs.services import dead_letter_redrive

attempts: list[int] = []


@shared_task(base=ReliableTask, name="jobs.tests.always_fails", max_retries=2, retry_backoff=False)
def always_fails(*, tenant_id: int) -> None:
    attempts.append(tenant_id)
    raise RuntimeError("remote system down")


@pytest.mark.django_db
def test_exhausted_task_becomes_a_dead_letter_and_can_be_redriven(settings):
    attempts.clear()
    always_fails.apply(kwargs={"tenant_id": 7})  # eager: the retries run inline
    assert attempts == [7, 7, 7]  # the first try and two retries
    letter = DeadLetter.objects.get()
    assert (letter.task_name, letter.kwargs, letter.about_tenant_id) == (
        "jobs.tests.always_fails",
        {"tenant_id": 7},
        7,
    )
    assert "remote system down" in letter.exception and letter.retries == 2
    new_id = dead_letter_redrive(dead_letter=letter)
    letter.refresh_from_db()
    assert letter.redriven_at is not None and letter.redriven_task_id == new_id


def test_reliable_task_settings_do_not_lose_messages():
    assert ReliableTask.acks_late and ReliableTask.reject_on_worker_lost and ReliableTask.retry_jitter
    from django.conf import settings

    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert ReliableTask.retry_backoff_max < settings.CELERY_VISIBILITY_TIMEOUT
