"""Event subscriber: run the tenant's triggers for each event about a ticket."""

from __future__ import annotations

from automations.services.triggers import run_triggers
from contracts.events import EventEnvelope
from events.registry import has_subject, subscribes
from tenancy.models import Tenant


@subscribes(
    "*", name="automations.subscribers.on_event", order=50, when=[has_subject], once=True, tenant=True
)
def on_event(event: EventEnvelope, tenant: Tenant) -> None:
    """Run the tenant's triggers whose conditions the event and its ticket meet."""
    run_triggers(tenant=tenant, event=event)
