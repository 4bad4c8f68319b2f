"""Celery task of CSAT: email the requester the rating link."""

from __future__ import annotations

from celery import shared_task

from csat.emails import csat_email_send


@shared_task(name="csat.tasks.send_csat_email", acks_late=True, ignore_result=True)
def send_csat_email(tenant_id: int, survey_id: int) -> bool:
    return csat_email_send(tenant_id=tenant_id, survey_id=survey_id)
