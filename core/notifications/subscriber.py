"""Event subscriber: tell the right people about each event (idempotent per member and event)."""

from __future__ import annotations

from contracts.events import EventEnvelope
from contracts.payloads import TicketPayload, payload_model
from notifications.services import notify_for_event
from tenancy.selectors import tenant_by_id


def handle(event: EventEnvelope) -> None:
    if not issubclass(payload_model(event.type, event.version), TicketPayload):
        return  # notification.created and other non-ticket events tell nobody by email
    tenant = tenant_by_id(tenant_id=event.tenant_id)
    if tenant is not None:
        notify_for_event(tenant=tenant, event=event)
