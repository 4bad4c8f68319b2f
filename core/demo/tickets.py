"""Demo tickets for `make run`: a few conversations per demo tenant (idempotent)."""

from __future__ import annotations

from tenancy.models import Tenant
from tenancy.selectors import membership_list
from tickets.selectors.tickets import TicketFilters, ticket_list
from tickets.services.messages import message_add
from tickets.services.tickets import ticket_create, ticket_update

DEMO_TICKETS = [
    (
        "Cannot log in after password reset",
        "After a reset the login page says my password is wrong.",
        "high",
    ),
    (
        "Invoice for March is duplicated",
        "We were charged twice for March; please refund one.",
        "normal",
    ),
    ("Feature request: dark mode", "Our team works at night; a dark theme would help a lot.", "low"),
    ("Export to CSV times out", "Exporting 20k rows fails after 30 seconds with an error.", "urgent"),
]


def seed_demo_tickets(*, tenant: Tenant) -> int:
    """Create the demo tickets if the tenant has none yet; must run in its tenant context."""
    members = list(membership_list(tenant=tenant))
    customer = next((m for m in members if m.role == "customer"), None)
    agent = next((m for m in members if m.role == "agent"), None)
    if customer is None or agent is None:
        return 0
    existing, _ = ticket_list(tenant=tenant, viewer=agent, filters=TicketFilters(), limit=1)
    if existing:
        return 0
    for i, (subject, body, priority) in enumerate(DEMO_TICKETS):
        ticket = ticket_create(tenant=tenant, actor=customer, subject=subject, body_text=body).ticket
        ticket_update(
            tenant=tenant, ticket=ticket, actor=agent, changes={"priority": priority, "tags": ["demo"]}
        )
        if i % 2 == 0:
            ticket_update(tenant=tenant, ticket=ticket, actor=agent, changes={"assignee_id": agent.id})
            message_add(tenant=tenant, ticket=ticket, author=agent, body_text="Thanks, looking into it now.")
            message_add(
                tenant=tenant,
                ticket=ticket,
                author=agent,
                internal=True,
                body_text="Reproducible.",
            )
    return len(DEMO_TICKETS)
