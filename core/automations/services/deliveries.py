"""Sending what rules queued: emails to requesters and webhook calls (notify rows wait for the
notifications app). Runs in a worker task inside the delivery's tenant context."""

from __future__ import annotations

import json

import httpx
from django.conf import settings
from django.core.mail import send_mail

from automations.models import Delivery
from tenancy.context import tenant_context

TIMEOUT = httpx.Timeout(5.0)
MAX_ATTEMPTS = 5


def _webhook_body(delivery: Delivery) -> bytes:
    from tickets.services.common import ticket_event_data

    ticket = delivery.ticket
    return json.dumps(
        {
            "rule": delivery.rule,
            "tenant_id": delivery.tenant_id,
            "ticket": ticket_event_data(ticket, subject=ticket.subject),
        }
    ).encode()


def delivery_send(*, tenant_id: int, delivery_id: int) -> str:
    """Send one pending delivery; returns its status. Failures are kept with the error."""
    with tenant_context(tenant_id):
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .select_related("ticket")
            .filter(tenant_id=tenant_id, id=delivery_id, status=Delivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return "skipped"
        delivery.attempts += 1
        try:
            if delivery.kind == Delivery.Kind.EMAIL:
                send_mail(delivery.subject, delivery.body, settings.DEFAULT_FROM_EMAIL, [delivery.target])
            elif delivery.kind == Delivery.Kind.WEBHOOK:
                response = httpx.post(
                    delivery.target,
                    content=_webhook_body(delivery),
                    headers={"content-type": "application/json"},
                    timeout=TIMEOUT,
                    follow_redirects=False,
                )
                response.raise_for_status()
            else:
                return "waiting"  # notify: kept for the notifications app (not merged yet)
            delivery.status, delivery.last_error = Delivery.Status.SENT, ""
        except (httpx.HTTPError, OSError) as exc:
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
        delivery.save(update_fields=["status", "attempts", "last_error"])
        return delivery.status
