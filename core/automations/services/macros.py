"""Macros: preview what one would do to a ticket, and apply it (fields + reply) in one call."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from automations.models import Macro
from automations.schemas import MacroActions, render
from automations.services.engine import field_changes, placeholder_values
from tenancy.models import Membership, Tenant
from tickets.models import Channel, Ticket
from tickets.services.messages import message_add
from tickets.services.tickets import ticket_update


def macro_preview(*, tenant: Tenant, macro: Macro, ticket: Ticket, agent: Membership) -> dict[str, Any]:
    """The field changes and the rendered reply, without changing anything."""
    actions = MacroActions.model_validate({"actions": macro.actions}).actions
    values = placeholder_values(ticket=ticket, tenant=tenant, agent=agent)
    return {
        "changes": field_changes(list(actions)),
        "reply_text": render(macro.reply_text, values) if macro.reply_text else "",
        "reply_internal": macro.reply_internal,
    }


@transaction.atomic
def macro_apply(*, tenant: Tenant, macro: Macro, ticket: Ticket, agent: Membership) -> Ticket:
    """Apply as the agent: field changes (history says `macro:<id>`), then the reply."""
    preview = macro_preview(tenant=tenant, macro=macro, ticket=ticket, agent=agent)
    if preview["changes"]:
        ticket = ticket_update(
            tenant=tenant, ticket=ticket, actor=agent, changes=preview["changes"], via=f"macro:{macro.id}"
        )
    if preview["reply_text"]:
        message_add(
            tenant=tenant,
            ticket=ticket,
            author=agent,
            body_text=preview["reply_text"],
            internal=macro.reply_internal,
            channel=Channel.AGENT,
        )
    return ticket
