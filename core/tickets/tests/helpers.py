"""Small helpers for the ticketing tests: JSON calls and tickets made through the services."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from tenancy.context import tenant_context
from tenancy.models import Membership
from tickets.models import Ticket
from tickets.services.messages import message_add
from tickets.services.tickets import ticket_create


def call(client: Client, method: str, path: str, data: Any = None) -> Any:
    if data is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, data=json.dumps(data), content_type="application/json")


def make_ticket(
    requester: Membership, subject: str = "Printer on fire", body: str = "It is on fire.", **kw: Any
) -> Ticket:
    with tenant_context(requester.tenant_id):
        return ticket_create(
            tenant=requester.tenant, actor=requester, subject=subject, body_text=body, **kw
        ).ticket


def add_message(ticket: Ticket, author: Membership, body: str, internal: bool = False) -> None:
    with tenant_context(ticket.tenant_id):
        message_add(tenant=author.tenant, ticket=ticket, author=author, body_text=body, internal=internal)
