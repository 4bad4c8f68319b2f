"""A customer with a history to export or erase: tickets, messages both ways, a note, a file, a rating."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone

from csat.models import CsatSurvey
from tenancy.context import tenant_context
from testing.factories import TenantWorld
from tickets.models import Attachment, Message, Ticket
from tickets.services.attachments import attachment_upload
from tickets.tests.helpers import add_message, make_ticket

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64
NOTE = "Internal: Carol is on the VIP list, call +44 20 7946 0000"


@dataclass
class History:
    tickets: list[Ticket]
    attachment: Attachment
    file_name: str
    extra: dict[str, Any] = field(default_factory=dict)


def customer_history(world: TenantWorld, name: str = "Carol Customer") -> History:
    customer, agent = world.customer, world.agent
    customer.user.full_name = name
    customer.user.save(update_fields=["full_name"])
    first = make_ticket(customer, subject="My invoice 4711 for Carol", body="Please send Carol's invoice.")
    second = make_ticket(customer, subject="Password reset", body="I cannot sign in.", priority="high")
    add_message(first, agent, f"Hi {name.split()[0]}, here it is. Regards, support.")
    add_message(first, agent, NOTE, internal=True)
    add_message(first, customer, "Thanks! My phone is 555-0100.")
    with tenant_context(world.tenant.id):
        attachment = attachment_upload(
            tenant=world.tenant, ticket=first, uploader=customer, upload=io.BytesIO(PNG), filename="id.png",
            size=len(PNG),
        )  # fmt: skip
        message = Message.objects.filter(tenant=world.tenant, ticket=first, author=customer).last()
        Attachment.objects.filter(id=attachment.id).update(message=message)
        Ticket.objects.filter(id=first.id).update(status="solved", solved_at=timezone.now())
        CsatSurvey.objects.create(
            tenant=world.tenant, ticket=first, requester=customer, agent=agent, scale="five", nonce="n" * 32,
            requested_at=timezone.now(), rating=4, comment="Carol says: quick, thanks", rated_at=timezone.now(),
        )  # fmt: skip
    assert default_storage.exists(attachment.file.name)
    return History(tickets=[first, second], attachment=attachment, file_name=attachment.file.name)
