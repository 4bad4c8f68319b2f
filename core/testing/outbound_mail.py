"""Send what the outbound mail outbox holds, in the test's process: the after-commit kicks of a
test transaction (the relay's, the send task's) never reach a worker, so a test that reads the
sent mail relays the events and sends the queued mail here."""

from __future__ import annotations

from email_channel.models import OutboundEmail
from email_channel.outbound import send_now
from events.relay import relay_all
from tenancy.context import tenant_context
from tenancy.models import Tenant


def send_queued_mail(tenant_id: int) -> int:
    """Send the tenant's pending outbound mail, oldest first; returns how many were sent."""
    with tenant_context(tenant_id):
        ids = list(
            OutboundEmail.objects.filter(tenant_id=tenant_id, status=OutboundEmail.Status.PENDING)
            .order_by("id")
            .values_list("id", flat=True)
        )
    return sum(send_now(tenant_id=tenant_id, email_id=email_id) for email_id in ids)


def deliver_mail() -> int:
    """Relay every pending event (subscribers queue their mail), then send every tenant's
    queued mail; returns how many were sent."""
    relay_all()
    return sum(send_queued_mail(tenant_id) for tenant_id in Tenant.objects.values_list("id", flat=True))
