"""Celery beat job of the SLA: fire due warnings and breaches."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from sla.services.sweep import sla_fire_due


@shared_task(name="sla.tasks.sla_sweep", acks_late=True, ignore_result=True)
def sla_sweep() -> tuple[int, int]:
    return sla_fire_due(now=timezone.now())
