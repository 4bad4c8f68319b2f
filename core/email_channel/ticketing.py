"""The email channel's only door into ticketing: the tickets app's services, by name.

Kept to two calls so the channel does not depend on ticketing's internals. Until the
tickets app is installed, `TicketingUnavailable` is raised and the mail is quarantined
with that reason (not lost: an operator can re-ingest it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps

from tenancy.models import Membership, Tenant


class TicketingUnavailableError(RuntimeError):
    pass


@dataclass
class TicketRef:
    id: int
    number: int
    subject: str


def _services() -> tuple[Any, Any, Any]:
    if not apps.is_installed("tickets"):
        raise TicketingUnavailableError("the tickets app is not installed")
    from tickets.selectors import tickets as ticket_selectors  # type: ignore[import-not-found,unused-ignore]
    from tickets.services import messages as message_services  # type: ignore[import-not-found,unused-ignore]
    from tickets.services import tickets as ticket_services  # type: ignore[import-not-found,unused-ignore]

    return ticket_services, message_services, ticket_selectors


def open_ticket(
    *, tenant: Tenant, requester: Membership, subject: str, body_text: str, body_html: str
) -> TicketRef:
    services, _, _ = _services()
    ticket = services.ticket_create(
        tenant=tenant,
        actor=requester,
        subject=subject or "(no subject)",
        body_text=body_text or "(empty message)",
        body_html=body_html or None,
        requester_id=requester.id,
        channel="email",
        channel_verified=True,
    )
    return TicketRef(ticket.id, ticket.number, ticket.subject)


def continue_ticket(
    *, tenant: Tenant, ticket_id: int, author: Membership, body_text: str, body_html: str
) -> TicketRef | None:
    """Adds the reply to the ticket; None when the ticket does not exist (any more)."""
    _, messages, selectors = _services()
    ticket = selectors.ticket_get(tenant=tenant, viewer=author, ticket_id=ticket_id)
    if ticket is None:
        return None
    messages.message_add(
        tenant=tenant,
        ticket=ticket,
        author=author,
        body_text=body_text or "(empty message)",
        body_html=body_html or None,
        internal=False,
        channel="email",
    )
    return TicketRef(ticket.id, ticket.number, ticket.subject)
