"""Shared set-up of the SLA tests: calendars, policies, tickets, the relay and outbox reads."""

from __future__ import annotations

from typing import Any

from events.models import OutboxEvent
from events.relay import relay_all
from sla.services.config import calendar_save, policy_save
from tenancy.context import tenant_context
from tickets.services.messages import message_add
from tickets.services.tickets import ticket_create, ticket_update

NINE_TO_FIVE = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def make_calendar(tenant: Any, **kw: Any) -> Any:
    kw.setdefault("name", "Office")
    kw.setdefault("timezone", "America/New_York")
    kw.setdefault("weekly_hours", NINE_TO_FIVE)
    with tenant_context(tenant.id):
        return calendar_save(tenant=tenant, **kw)


def make_policy(tenant: Any, **kw: Any) -> Any:
    kw.setdefault("name", "Standard")
    kw.setdefault("targets", {"urgent": {"first_response": 60, "next_response": 30, "resolution": 240}})
    with tenant_context(tenant.id):
        return policy_save(tenant=tenant, **kw)


def new_ticket(world: Any, **kw: Any) -> Any:
    kw.setdefault("subject", "Printer on fire")
    kw.setdefault("body_text", "Please help")
    kw.setdefault("priority", "urgent")
    kw.setdefault("requester_id", world.customer.id)
    with tenant_context(world.tenant.id):
        ticket = ticket_create(tenant=world.tenant, actor=world.agent, **kw).ticket
    relay_all()
    return ticket


def update(world: Any, ticket: Any, **changes: Any) -> None:
    with tenant_context(world.tenant.id):
        ticket_update(tenant=world.tenant, ticket=ticket, actor=world.agent, changes=changes)
    relay_all()


def reply(world: Any, ticket: Any, author: Any, text: str = "hello") -> None:
    with tenant_context(world.tenant.id):
        message_add(tenant=world.tenant, ticket=ticket, author=author, body_text=text)
    relay_all()


def events_of(tenant: Any, type_: str) -> list[dict[str, Any]]:
    with tenant_context(tenant.id):
        return [
            row.envelope for row in OutboxEvent.objects.filter(tenant_id=tenant.id, type=type_).order_by("id")
        ]


def clocks(tenant: Any, ticket: Any) -> dict[str, Any]:
    from sla.selectors import ticket_clocks

    with tenant_context(tenant.id):
        return {c.metric: c for c in ticket_clocks(tenant=tenant, ticket=ticket)}
