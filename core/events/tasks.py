"""Celery tasks of the outbox: the relay (kicked after commit) and the periodic sweep."""

from __future__ import annotations

from celery import shared_task

from events.relay import relay_all, trim_streams
from events.services import relay_kick_clear
from tenancy.selectors import active_tenant_ids


@shared_task(name="events.tasks.relay_outbox", acks_late=True, ignore_result=True)
def relay_outbox() -> int:
    relay_kick_clear()  # first: a transaction committing from now on kicks another relay
    return relay_all()


@shared_task(name="events.tasks.sweep_outbox", acks_late=True, ignore_result=True)
def sweep_outbox() -> int:
    """Publishes anything a lost kick left behind, and trims the streams by age."""
    published = relay_all()
    trim_streams(active_tenant_ids())
    return published
