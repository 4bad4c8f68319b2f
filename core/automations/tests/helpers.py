"""Set-up shared by the automation tests."""

from __future__ import annotations

from typing import Any

from automations.services.config import macro_save, time_rule_save, trigger_save
from events.relay import relay_all
from tenancy.context import tenant_context
from tickets.models import Ticket
from tickets.services.tickets import ticket_create, ticket_update


def trigger(world: Any, **kw: Any) -> Any:
    kw.setdefault("events", ["ticket.created"])
    with tenant_context(world.tenant.id):
        return trigger_save(tenant=world.tenant, **kw)


def time_rule(world: Any, **kw: Any) -> Any:
    with tenant_context(world.tenant.id):
        return time_rule_save(tenant=world.tenant, **kw)


def macro(world: Any, owner: Any = None, **kw: Any) -> Any:
    with tenant_context(world.tenant.id):
        return macro_save(tenant=world.tenant, owner=owner, **kw)


def settle(max_rounds: int = 50) -> int:
    """Relay until nothing is pending (rules cause events that cause rules); returns rounds."""
    for rounds in range(1, max_rounds + 1):
        if relay_all() == 0:
            return rounds
    raise AssertionError("events kept coming: a rule loop was not stopped")


def create(world: Any, **kw: Any) -> Any:
    kw.setdefault("subject", "Help")
    kw.setdefault("body_text", "please")
    with tenant_context(world.tenant.id):
        ticket = ticket_create(tenant=world.tenant, actor=world.customer, **kw).ticket
    settle()
    return fresh(world, ticket)


def change(world: Any, ticket: Any, **changes: Any) -> Any:
    with tenant_context(world.tenant.id):
        ticket_update(tenant=world.tenant, ticket=ticket, actor=world.agent, changes=changes)
    settle()
    return fresh(world, ticket)


def fresh(world: Any, ticket: Any) -> Any:
    with tenant_context(world.tenant.id):
        return Ticket.objects.select_related("custom_status").get(tenant=world.tenant, id=ticket.id)
