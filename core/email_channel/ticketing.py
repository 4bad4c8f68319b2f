"""The email channel's only door into ticketing: the tickets app's services, by name.
tenant-queries: allowed (reads the ticket and message it was just given, with the tenant).

Kept to a few calls (open, continue, followers, attachments) so the channel does not
depend on ticketing's internals. Until the
tickets app is installed, `TicketingUnavailable` is raised and the mail is quarantined
with that reason (not lost: an operator can re-ingest it).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError

from tenancy.models import Membership, Tenant


class TicketingUnavailableError(RuntimeError):
    pass


@dataclass
class TicketRef:
    id: int
    number: int
    subject: str
    message_id: int = 0


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
    return TicketRef(ticket.id, ticket.number, ticket.subject, ticket.first_message.id)


def continue_ticket(
    *, tenant: Tenant, ticket_id: int, author: Membership, body_text: str, body_html: str
) -> TicketRef | None:
    """Adds the reply to the ticket; None when the ticket does not exist (any more), the
    sender may not see it, or it is closed (the mail then opens a follow-up ticket)."""
    _, messages, selectors = _services()
    ticket = selectors.ticket_get(tenant=tenant, viewer=author, ticket_id=ticket_id)
    if ticket is None or ticket.status == "closed":
        return None
    message = messages.message_add(
        tenant=tenant,
        ticket=ticket,
        author=author,
        body_text=body_text or "(empty message)",
        body_html=body_html or None,
        internal=False,
        channel="email",
    )
    return TicketRef(ticket.id, ticket.number, ticket.subject, message.id)


def add_followers(*, tenant: Tenant, ticket_id: int, members: list[Membership]) -> None:
    """CC'd people follow the ticket (the requester already gets its mail)."""
    services, _, _ = _services()
    from tickets.models import Ticket, TicketFollower  # type: ignore[import-not-found,unused-ignore]

    ticket = Ticket.objects.get(tenant=tenant, id=ticket_id)
    current = set(
        TicketFollower.objects.filter(tenant=tenant, ticket=ticket).values_list("membership_id", flat=True)
    )
    wanted = current | {m.id for m in members if m.id != ticket.requester_id}
    if wanted != current:
        services.ticket_update(
            tenant=tenant, ticket=ticket, actor=None, changes={"follower_ids": sorted(wanted)}, via="email"
        )


def add_attachments(
    *, tenant: Tenant, ref: TicketRef, uploader: Membership, files: list[tuple[str, bytes]]
) -> list[str]:
    """Store files on the message through the tickets attachment service (its size limit,
    content sniffing and SHA-256). Returns a line per file it refused, with the reason;
    those are also written as an internal note on the ticket, so agents see what is missing."""
    from tickets.models import Message, Ticket  # type: ignore[import-not-found,unused-ignore]
    from tickets.services import attachments  # type: ignore[import-not-found,unused-ignore]

    _, messages, _ = _services()
    ticket = Ticket.objects.get(tenant=tenant, id=ref.id)
    message = Message.objects.get(tenant=tenant, id=ref.message_id)
    stored: list[int] = []
    refused: list[str] = []
    for filename, data in files:
        try:
            attachment = attachments.attachment_upload(
                tenant=tenant,
                ticket=ticket,
                uploader=uploader,
                upload=io.BytesIO(data),
                filename=filename,
                size=len(data),
            )
            stored.append(attachment.id)
        except attachments.FileTooLarge:
            refused.append(f"{filename} ({len(data)} bytes): larger than the attachment limit")
        except ValidationError as exc:
            reason = "; ".join(m for msgs in exc.message_dict.values() for m in msgs)
            refused.append(f"{filename} ({len(data)} bytes): {reason}")
    if stored:
        attachments.attachments_bind(
            tenant=tenant, ticket=ticket, message=message, uploader=uploader, ids=stored
        )
    if refused:
        messages.message_add(
            tenant=tenant,
            ticket=ticket,
            author=None,
            internal=True,
            channel="system",
            body_text="Attachments of the customer's email that were not stored:\n"
            + "\n".join(f"- {line}" for line in refused),
        )
    return refused
