"""Event subscriber: tell the right people about each event (idempotent per member and event)."""

from __future__ import annotations

from contracts.events import EventEnvelope
from contracts.payloads import PAYLOADS, TicketPayload
from events.registry import subscribes
from notifications.services import notify_for_event
from tenancy.models import Tenant

# notification.created and other events not about a ticket tell nobody by email.
TICKET_EVENT_TYPES = sorted(
    {name for (name, _), payload in PAYLOADS.items() if issubclass(payload, TicketPayload)}
)


@subscribes(*TICKET_EVENT_TYPES, name="notifications", order=10, tenant=True)
def handle(event: EventEnvelope, tenant: Tenant) -> None:
    """Notify the members the event concerns, in the app and by email."""
    notify_for_event(tenant=tenant, event=event)
