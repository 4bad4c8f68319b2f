"""Reads around tickets: attachments, history, tags, custom field definitions, custom statuses."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet

from tenancy.models import Membership, Tenant
from tickets.models import Attachment, CustomFieldDefinition, CustomStatus, Ticket, TicketChange
from tickets.selectors.tickets import visible_tickets


def attachment_get(*, tenant: Tenant, viewer: Membership, attachment_id: int) -> Attachment | None:
    """An attachment the viewer may download: on a ticket they see, not on an internal note,
    and not someone else's unsent upload (unless they are staff)."""
    qs = Attachment.objects.filter(
        tenant=tenant, id=attachment_id, ticket__in=visible_tickets(tenant=tenant, viewer=viewer)
    ).select_related("message")
    if not viewer.is_staff_role:
        qs = qs.filter(Q(message__is_internal=False) | Q(message__isnull=True, uploaded_by=viewer))
    return qs.first()


def ticket_history(
    *, tenant: Tenant, ticket: Ticket, after_id: int | None = None, limit: int = 100
) -> list[TicketChange]:
    qs = TicketChange.objects.filter(tenant=tenant, ticket=ticket).select_related("actor__user")
    if after_id is not None:
        qs = qs.filter(id__gt=after_id)
    return list(qs.order_by("id")[: max(1, min(limit, 500))])


def tag_counts(*, tenant: Tenant, prefix: str = "", limit: int = 100) -> list[tuple[str, int]]:
    """Tags in use with how many tickets carry each, most used first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tag, count(*) FROM tickets_ticket, unnest(tags) AS tag "
            "WHERE tenant_id = %s AND tag LIKE %s GROUP BY tag ORDER BY count(*) DESC, tag LIMIT %s",
            [tenant.id, prefix.replace("%", r"\%").replace("_", r"\_") + "%", max(1, min(limit, 500))],
        )
        return [(str(tag), int(n)) for tag, n in cursor.fetchall()]


def custom_field_list(
    *, tenant: Tenant, viewer: Membership, include_inactive: bool = False
) -> QuerySet[CustomFieldDefinition]:
    qs = CustomFieldDefinition.objects.filter(tenant=tenant).order_by("position", "id")
    if not include_inactive:
        qs = qs.filter(active=True)
    if not viewer.is_staff_role:
        qs = qs.filter(agent_only=False)
    return qs


def custom_field_get(*, tenant: Tenant, field_id: int) -> CustomFieldDefinition | None:
    return CustomFieldDefinition.objects.filter(tenant=tenant, id=field_id).first()


def agent_only_field_keys(*, tenant: Tenant) -> set[str]:
    return set(
        CustomFieldDefinition.objects.filter(tenant=tenant, agent_only=True).values_list("key", flat=True)
    )


def custom_status_keys(*, tenant_id: int) -> set[str]:
    return set(CustomStatus.objects.filter(tenant_id=tenant_id).values_list("key", flat=True))


def custom_status_list(*, tenant: Tenant) -> QuerySet[CustomStatus]:
    return CustomStatus.objects.filter(tenant=tenant).order_by("category", "position", "id")
