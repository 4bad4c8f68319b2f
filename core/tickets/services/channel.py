"""Tickets from a channel (email today): a new ticket, or a reply on one, with its files and
the people copied on it, in one call and one transaction. A channel parses and decides
(which tenant, which sender, which thread); what that means for tickets is decided here."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.db import transaction

from tenancy.models import Membership, Tenant
from tickets.models import Attachment, Channel, Message, StatusCategory, Ticket, TicketFollower
from tickets.selectors.tickets import ticket_get
from tickets.services.attachments import FileTooLarge, attachment_upload, attachments_bind
from tickets.services.messages import message_add
from tickets.services.results import ReplyAdded, TicketCreated
from tickets.services.tickets import ticket_create, ticket_update

# (filename, content) of a file that came with the message.
ChannelFile = tuple[str, bytes]


@transaction.atomic
def ticket_open_from_channel(
    *,
    tenant: Tenant,
    requester: Membership,
    channel: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    follower_ids: list[int] | None = None,
    files: list[ChannelFile] | None = None,
) -> TicketCreated:
    """A ticket filed by `requester` through `channel`, followed by the people copied on it,
    with the files on its first message (refused ones listed in `refused_files`)."""
    created = ticket_create(
        tenant=tenant,
        actor=requester,
        subject=subject or "(no subject)",
        body_text=body_text or "(empty message)",
        body_html=body_html or None,
        requester_id=requester.id,
        channel=channel,
        channel_verified=True,
        follower_ids=follower_ids,
    )
    stored, refused = _files_attach(tenant, created.ticket, created.message, requester, files or [])
    return TicketCreated(created.ticket, created.message, stored, refused)


@transaction.atomic
def ticket_reply_from_channel(
    *,
    tenant: Tenant,
    ticket_id: int,
    author: Membership,
    channel: str,
    body_text: str,
    body_html: str = "",
    follower_ids: list[int] | None = None,
    files: list[ChannelFile] | None = None,
) -> ReplyAdded | None:
    """The author's reply on the ticket, new people copied on it following it, and its files.
    None when the ticket does not exist (any more), the author may not see it, or it is
    closed: the channel then opens a follow-up ticket instead."""
    ticket = ticket_get(tenant=tenant, viewer=author, ticket_id=ticket_id)
    if ticket is None or ticket.status == StatusCategory.CLOSED:
        return None
    message = message_add(
        tenant=tenant,
        ticket=ticket,
        author=author,
        body_text=body_text or "(empty message)",
        body_html=body_html or None,
        internal=False,
        channel=channel,
    )
    _followers_add(tenant, ticket, follower_ids or [], via=channel)
    stored, refused = _files_attach(tenant, ticket, message, author, files or [])
    return ReplyAdded(ticket, message, stored, refused)


def _followers_add(tenant: Tenant, ticket: Ticket, member_ids: list[int], *, via: str) -> None:
    """Copied people follow the ticket (the requester already gets its mail)."""
    current = set(
        TicketFollower.objects.filter(tenant=tenant, ticket=ticket).values_list("membership_id", flat=True)
    )
    wanted = current | {m for m in member_ids if m != ticket.requester_id}
    if wanted != current:
        ticket_update(
            tenant=tenant, ticket=ticket, actor=None, changes={"follower_ids": sorted(wanted)}, via=via
        )


def _files_attach(
    tenant: Tenant, ticket: Ticket, message: Message, uploader: Membership, files: list[ChannelFile]
) -> tuple[tuple[Attachment, ...], tuple[str, ...]]:
    """Store the files on the message through the attachment service (its size limit,
    content sniffing and SHA-256). Each refused file gets a line with the reason, also
    written as an internal note on the ticket, so agents see what is missing."""
    stored: list[Attachment] = []
    refused: list[str] = []
    for filename, data in files:
        try:
            stored.append(
                attachment_upload(
                    tenant=tenant,
                    ticket=ticket,
                    uploader=uploader,
                    upload=io.BytesIO(data),
                    filename=filename,
                    size=len(data),
                )
            )
        except FileTooLarge:
            refused.append(f"{filename} ({len(data)} bytes): larger than the attachment limit")
        except ValidationError as exc:
            reason = "; ".join(m for msgs in exc.message_dict.values() for m in msgs)
            refused.append(f"{filename} ({len(data)} bytes): {reason}")
    if stored:
        attachments_bind(
            tenant=tenant, ticket=ticket, message=message, uploader=uploader, ids=[a.id for a in stored]
        )
    if refused:
        message_add(
            tenant=tenant,
            ticket=ticket,
            author=None,
            internal=True,
            channel=Channel.SYSTEM,
            body_text="Attachments of the customer's email that were not stored:\n"
            + "\n".join(f"- {line}" for line in refused),
        )
    return tuple(stored), tuple(refused)
