"""Adding messages to a ticket: public replies and internal notes, with their status effects."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from contracts.events import Visibility
from tenancy.models import Membership, Tenant
from tickets.models import Channel, Message, StatusCategory, Ticket
from tickets.sanitize import prepare_body
from tickets.services.attachments import attachments_bind
from tickets.services.common import emit_ticket_event, record_changes, status_key
from tickets.services.search_index import index_message


@transaction.atomic
def message_add(
    *,
    tenant: Tenant,
    ticket: Ticket,
    author: Membership | None,
    body_html: str | None = None,
    body_text: str | None = None,
    internal: bool = False,
    channel: str = Channel.API,
    attachment_ids: list[int] | None = None,
) -> Message:
    """A reply or note. The requester's reply reopens a solved or pending ticket; a staff
    reply opens a new one and sets the first response time."""
    staff = author is not None and author.is_staff_role
    # author None is the system (a rule's internal note); customers may not write notes.
    if internal and author is not None and not staff:
        raise PermissionDenied("Only staff can add internal notes.")
    if channel not in Channel.values:
        raise ValidationError({"channel": f"Use one of {', '.join(Channel.values)}."})
    safe_html, text = prepare_body(body_html=body_html, body_text=body_text)
    if not text and not attachment_ids:
        raise ValidationError({"body": "A message needs a body (body_text or body_html) or attachments."})
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("custom_status")
        .get(tenant=tenant, id=ticket.id)
    )
    if locked.status == StatusCategory.CLOSED and not internal:
        raise ValidationError({"ticket": "This ticket is closed; open a new ticket to follow up."})
    message = Message.objects.create(
        tenant=tenant,
        ticket=locked,
        author=author,
        is_internal=internal,
        channel=channel,
        body_html=safe_html,
        body_text=text,
    )
    if attachment_ids:
        attachments_bind(tenant=tenant, ticket=locked, message=message, uploader=author, ids=attachment_ids)

    old_status = status_key(locked)
    if not internal:
        if author is not None and author.id == locked.requester_id and not staff:
            if locked.status in (StatusCategory.SOLVED, StatusCategory.PENDING, StatusCategory.ON_HOLD):
                locked.status, locked.custom_status, locked.solved_at = StatusCategory.OPEN, None, None
        elif staff:
            if locked.first_response_at is None:
                locked.first_response_at = timezone.now()
            if locked.status == StatusCategory.NEW:
                locked.status, locked.custom_status = StatusCategory.OPEN, None
    locked.save()  # also moves updated_at
    index_message(tenant=tenant, ticket=locked, text=text, internal=internal)

    changes: dict[str, tuple] = {"message": (None, {"id": message.id, "internal": internal})}
    if status_key(locked) != old_status:
        changes["status"] = (old_status, status_key(locked))
    record_changes(ticket=locked, actor=author, via=channel, changes=changes)
    emit_ticket_event(
        ticket=locked,
        type="message.added",
        actor=author,
        via=channel,
        visibility=Visibility.INTERNAL if internal else Visibility.PUBLIC,
        message_id=message.id,
        is_internal=internal,
        author_membership_id=author.id if author else None,
        channel=channel,
        body_text=text[:2000],
    )
    if "status" in changes:
        emit_ticket_event(
            ticket=locked,
            type="ticket.status_changed",
            actor=author,
            via=channel,
            visibility=Visibility.PUBLIC,
            previous_status=old_status,
            new_status=status_key(locked),
        )
    ticket.status, ticket.updated_at = locked.status, locked.updated_at
    return message
