"""Ticketing models, one module per concern; imported here so Django finds them."""

from tickets.models.attachments import Attachment
from tickets.models.fields import CustomFieldDefinition, FieldType
from tickets.models.history import TicketChange
from tickets.models.messages import Message, MessageArticle
from tickets.models.statuses import CustomStatus, StatusCategory
from tickets.models.tickets import (
    Channel,
    Priority,
    Ticket,
    TicketCounter,
    TicketFollower,
    TicketLink,
    TicketType,
)

__all__ = [
    "Attachment",
    "Channel",
    "CustomFieldDefinition",
    "CustomStatus",
    "FieldType",
    "Message",
    "MessageArticle",
    "Priority",
    "StatusCategory",
    "Ticket",
    "TicketChange",
    "TicketCounter",
    "TicketFollower",
    "TicketLink",
    "TicketType",
]
