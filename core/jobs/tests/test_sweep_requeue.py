"""A sweep queues a pending item again at most once per window, not on every run: while the
workers are behind, re-queueing everything every 10 s made the backlog feed itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from email_channel.models import OutboundEmail
from email_channel.tasks import sweep_pending
from tenancy.context import tenant_context

pytestmark = pytest.mark.django_db


def _pending_email(tenant, n: int) -> OutboundEmail:
    with tenant_context(tenant.id):
        email = OutboundEmail.objects.create(
            tenant=tenant,
            dedupe_key=f"sweep-test-{n}",
            to_address=f"someone{n}@example.com",
            from_address="support@example.com",
            subject="Hello",
            body_text="Hello",
            message_id=f"<sweep-test-{n}@example.com>",
        )
        # Older than the sweep's 15 s grace: its own kick should have sent it by now.
        OutboundEmail.objects.filter(id=email.id).update(created_at=timezone.now() - dt.timedelta(minutes=1))
    return email


def test_each_pending_email_is_queued_once_per_window(two_tenants):
    emails = [_pending_email(two_tenants.a.tenant, 1), _pending_email(two_tenants.b.tenant, 2)]
    assert sweep_pending.apply().get() == 2  # both tenants' stranded emails are kicked
    assert sweep_pending.apply().get() == 0  # still pending (workers behind): not queued again
    cache.delete(f"sweep-requeued:email:{emails[0].id}")  # its window has passed
    assert sweep_pending.apply().get() == 1


def test_triage_backfill_queues_an_untriaged_ticket_once_per_window(two_tenants):
    from tickets.services.tickets import ticket_create
    from triage.tasks import backfill

    tenant, customer = two_tenants.a.tenant, two_tenants.a.customer
    with tenant_context(tenant.id):
        ticket = ticket_create(
            tenant=tenant, actor=customer, subject="Printer", body_text="jammed", channel="api"
        ).ticket
    assert backfill.apply().get() == 1  # no prediction yet: queued
    assert backfill.apply().get() == 0  # its task may just be waiting in the queue: not again
    cache.delete(f"sweep-requeued:triage:{ticket.id}")
    assert backfill.apply().get() == 1
