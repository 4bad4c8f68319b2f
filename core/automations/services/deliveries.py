"""Sending what rules queued: notifications to staff, emails to requesters and webhook calls.

Runs in a worker task inside the delivery's tenant context. Notifications go through the
notifications app (in-app + email per member preferences), emails through the email
channel's outbox (threaded, with the ticket's reply token, retried by its worker), and
webhooks through the SSRF-safe client of the webhooks app.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from automations.models import Delivery
from email_channel.outbound import outbound_email_queue
from notifications.services import notify_members
from tenancy.context import tenant_context
from tenancy.models import Tenant
from tenancy.selectors import tenant_by_id
from tickets.services.common import ticket_event_data
from webhooks import ssrf

TIMEOUT_SECONDS = 5.0
MAX_ATTEMPTS = 5
# Delivery rows are numbered per database, so a name-based UUID is a stable idempotency key.
_KEY_NAMESPACE = uuid.UUID("7d3c0a52-4a7e-4f54-9a55-3c4f0b8e2d11")


def _ticket_data(delivery: Delivery, **extra: Any) -> dict:
    ticket = delivery.ticket
    return ticket_event_data(ticket, subject=ticket.subject, **extra)


def _webhook_body(delivery: Delivery) -> bytes:
    return json.dumps(
        {"rule": delivery.rule, "tenant_id": delivery.tenant_id, "ticket": _ticket_data(delivery)}
    ).encode()


def parse_notify_target(target: str) -> tuple[list[int], int | None]:
    """`"3,5;team:2"` (as the engine writes it) -> ([3, 5], 2)."""
    people, _, team = target.partition(";team:")
    return [int(i) for i in people.split(",") if i.strip()], int(team) if team else None


def _notify(tenant: Tenant, delivery: Delivery) -> None:
    membership_ids, team_id = parse_notify_target(delivery.target)
    notify_members(
        tenant=tenant,
        membership_ids=membership_ids,
        team_id=team_id,
        key=uuid.uuid5(_KEY_NAMESPACE, f"{delivery.tenant_id}:{delivery.id}"),
        data=_ticket_data(delivery, body_text=delivery.body),
    )


def _email(tenant: Tenant, delivery: Delivery) -> None:
    outbound_email_queue(
        tenant=tenant,
        dedupe_key=f"rule-delivery:{delivery.id}",
        to_address=delivery.target,
        subject=delivery.subject,
        body_text=delivery.body,
        ticket_id=delivery.ticket_id,
        reply_to_ticket=True,  # the requester's answer continues the ticket
    )


def _webhook(delivery: Delivery) -> None:
    status = ssrf.post(
        delivery.target,
        _webhook_body(delivery),
        {"content-type": "application/json", "user-agent": "Frontline-Automation/1"},
        TIMEOUT_SECONDS,
    )
    if status >= 400:
        raise OSError(f"the target answered HTTP {status}")


def delivery_send(*, tenant_id: int, delivery_id: int) -> str:
    """Send one pending delivery; returns its status. Failures are kept with the error."""
    with tenant_context(tenant_id):
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .select_related("ticket")
            .filter(tenant_id=tenant_id, id=delivery_id, status=Delivery.Status.PENDING)
            .first()
        )
        tenant = tenant_by_id(tenant_id=tenant_id)
        if delivery is None or tenant is None:
            return "skipped"
        delivery.attempts += 1
        try:
            if delivery.kind == Delivery.Kind.NOTIFY:
                _notify(tenant, delivery)
            elif delivery.kind == Delivery.Kind.EMAIL:
                _email(tenant, delivery)
            else:
                _webhook(delivery)
            delivery.status, delivery.last_error = Delivery.Status.SENT, ""
        except ssrf.UnsafeTargetError as exc:  # retrying will not make it safe
            delivery.status, delivery.last_error = Delivery.Status.FAILED, f"refused: {exc}"[:2000]
        except OSError as exc:
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = Delivery.Status.FAILED
        delivery.save(update_fields=["status", "attempts", "last_error"])
        return delivery.status
