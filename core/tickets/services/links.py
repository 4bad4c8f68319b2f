"""Links between tickets (related, duplicate of, parent of) and merging one ticket into another."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from contracts.events import Visibility
from tenancy.models import Membership, Tenant
from tickets.models import Attachment, Channel, Message, StatusCategory, Ticket, TicketFollower, TicketLink
from tickets.models.tickets import LinkKind
from tickets.sanitize import text_to_html
from tickets.services.common import emit_ticket_event, record_changes, status_key
from tickets.services.search_index import reindex_ticket


@transaction.atomic
def ticket_link(
    *, tenant: Tenant, source: Ticket, target: Ticket, kind: str, actor: Membership
) -> TicketLink:
    if kind not in LinkKind.values:
        raise ValidationError({"kind": f"Use one of {', '.join(LinkKind.values)}."})
    if source.id == target.id:
        raise ValidationError({"target_id": "A ticket cannot link to itself."})
    if kind == LinkKind.PARENT_OF:
        _check_parent_link(tenant=tenant, parent=source, child=target)
    try:
        with transaction.atomic():
            link = TicketLink.objects.create(tenant=tenant, source=source, target=target, kind=kind)
    except IntegrityError as exc:
        raise ValidationError({"target_id": "These tickets are already linked that way."}) from exc
    record_changes(
        ticket=source,
        actor=actor,
        via=Channel.API,
        changes={"link": (None, {"kind": kind, "target": target.number})},
    )
    return link


def _check_parent_link(*, tenant: Tenant, parent: Ticket, child: Ticket) -> None:
    """A child has one parent, and a parent may not sit below its own child (no cycles)."""
    parents = TicketLink.objects.filter(tenant=tenant, kind=LinkKind.PARENT_OF)
    if parents.filter(target=child).exists():
        raise ValidationError({"target_id": "That ticket already has a parent."})
    # Walk up from the would-be parent; meeting the child means the link would close a loop.
    seen: set[int] = set()
    current: int | None = parent.id
    while current is not None and current not in seen:
        if current == child.id:
            raise ValidationError({"target_id": "Linking these would make a cycle of parents."})
        seen.add(current)
        current = parents.filter(target_id=current).values_list("source_id", flat=True).first()


@transaction.atomic
def ticket_unlink(*, tenant: Tenant, link: TicketLink, actor: Membership) -> None:
    record_changes(
        ticket=link.source,
        actor=actor,
        via=Channel.API,
        changes={"link": ({"kind": link.kind, "target": link.target.number}, None)},
    )
    TicketLink.objects.filter(tenant=tenant, id=link.id).delete()


@transaction.atomic
def ticket_merge(*, tenant: Tenant, source: Ticket, target: Ticket, actor: Membership) -> Ticket:
    """Merge `source` into `target`: its messages and attachments move over, followers (and
    the source's requester) follow the target, the source closes with a duplicate-of link
    and a public note telling its requester where the conversation went."""
    if source.id == target.id:
        raise ValidationError({"target_id": "A ticket cannot be merged into itself."})
    locked = {
        t.id: t
        for t in Ticket.objects.select_for_update(of=("self",))
        .select_related("custom_status")
        .filter(tenant=tenant, id__in=[source.id, target.id])
        .order_by("id")
    }
    source, target = locked[source.id], locked[target.id]
    if source.status == StatusCategory.CLOSED or source.merged_into_id:
        raise ValidationError({"source": f"#{source.number} is closed or already merged."})
    if target.status == StatusCategory.CLOSED:
        raise ValidationError({"target_id": f"#{target.number} is closed; merge into an open ticket."})

    moved = Message.objects.filter(tenant=tenant, ticket=source).update(ticket=target)
    Attachment.objects.filter(tenant=tenant, ticket=source).update(ticket=target)
    follower_ids = set(
        TicketFollower.objects.filter(tenant=tenant, ticket=source).values_list("membership_id", flat=True)
    )
    follower_ids.add(source.requester_id)
    follower_ids -= {target.requester_id}
    existing = set(
        TicketFollower.objects.filter(tenant=tenant, ticket=target).values_list("membership_id", flat=True)
    )
    TicketFollower.objects.bulk_create(
        [TicketFollower(tenant=tenant, ticket=target, membership_id=m) for m in follower_ids - existing]
    )
    TicketLink.objects.get_or_create(tenant=tenant, source=source, target=target, kind=LinkKind.DUPLICATE_OF)

    old_status = status_key(source)
    now = timezone.now()
    source.status, source.custom_status, source.merged_into = StatusCategory.CLOSED, None, target
    source.closed_at, source.solved_at = now, source.solved_at or now
    source.save()
    note = f"This request was merged into #{target.number}; the conversation continues there."
    Message.objects.create(
        tenant=tenant,
        ticket=source,
        author=actor,
        channel=Channel.SYSTEM,
        body_html=text_to_html(note),
        body_text=note,
    )
    target_note = (
        f"Ticket #{source.number} ({source.subject}) was merged into this one; {moved} message(s) moved."
    )
    Message.objects.create(
        tenant=tenant,
        ticket=target,
        author=actor,
        channel=Channel.SYSTEM,
        is_internal=True,
        body_html=text_to_html(target_note),
        body_text=target_note,
    )
    target.save()  # updated_at
    reindex_ticket(tenant=tenant, ticket=source)
    reindex_ticket(tenant=tenant, ticket=target)
    record_changes(
        ticket=source,
        actor=actor,
        via=Channel.API,
        changes={"status": (old_status, StatusCategory.CLOSED), "merged_into": (None, target.number)},
    )
    record_changes(
        ticket=target, actor=actor, via=Channel.API, changes={"merged_from": (None, source.number)}
    )
    emit_ticket_event(
        ticket=source,
        type="ticket.merged",
        actor=actor,
        via=Channel.API,
        visibility=Visibility.PUBLIC,
        merged_into_ticket_id=target.id,
        target_number=target.number,
        target_requester_membership_id=target.requester_id,
        messages_moved=moved,
    )
    emit_ticket_event(
        ticket=source,
        type="ticket.status_changed",
        actor=actor,
        via=Channel.API,
        visibility=Visibility.PUBLIC,
        previous_status=old_status,
        new_status=StatusCategory.CLOSED,
    )
    return target
