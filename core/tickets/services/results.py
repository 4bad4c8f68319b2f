"""What the ticket services return besides the ticket: the rows a caller answers with,
as typed values instead of attributes patched onto the model instance."""

from __future__ import annotations

from dataclasses import dataclass

from tickets.models import Attachment, Message, Ticket


@dataclass(frozen=True)
class TicketCreated:
    """A new ticket, its first (public) message and the files on that message; a channel's
    files it refused, one line each with the reason."""

    ticket: Ticket
    message: Message
    attachments: tuple[Attachment, ...] = ()
    refused_files: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReplyAdded:
    """A reply that came through a channel, with the files stored on it and those refused."""

    ticket: Ticket
    message: Message
    attachments: tuple[Attachment, ...] = ()
    refused_files: tuple[str, ...] = ()
