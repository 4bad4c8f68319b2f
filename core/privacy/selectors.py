"""Reads of privacy: the people an admin looks up, what a data-access archive holds, who was
erased, and which tickets the retention rule would purge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import AuditEvent
from csat.models import CsatSurvey
from privacy.models import Erasure, RetentionPolicy
from reports.models import ExportJob
from tenancy.models import Membership, Tenant
from tickets.models import Attachment, Message, StatusCategory, Ticket, TicketFollower

PRIVACY_EXPORT_KIND = "privacy"
# What a purged ticket's subject becomes; also how a later run knows it is done.
PURGED_SUBJECT = "[purged by the retention rule]"
PEOPLE_LIMIT = 50


def person_get(*, tenant: Tenant, membership_id: int) -> Membership | None:
    """A member of this tenant with their user; None for another tenant's id (the caller answers 404)."""
    return Membership.objects.filter(tenant=tenant, id=membership_id).select_related("user").first()


def people_search(*, tenant: Tenant, q: str) -> list[Membership]:
    """Members whose email or name contains `q` (customers first), at most PEOPLE_LIMIT."""
    qs = Membership.objects.filter(tenant=tenant).select_related("user")
    q = q.strip()
    if q:
        qs = qs.filter(Q(user__email__icontains=q) | Q(user__full_name__icontains=q))
    people = list(qs.order_by("id")[: PEOPLE_LIMIT * 4])
    people.sort(key=lambda m: (m.role != "customer", m.id))
    return people[:PEOPLE_LIMIT]


def erasure_for(*, tenant: Tenant, membership_id: int) -> Erasure | None:
    return Erasure.objects.filter(tenant=tenant, membership_id=membership_id).first()


def erased_membership_ids(*, tenant: Tenant, membership_ids: list[int]) -> set[int]:
    return set(
        Erasure.objects.filter(tenant=tenant, membership_id__in=membership_ids).values_list(
            "membership_id", flat=True
        )
    )


def other_tenant_memberships(*, user_id: int, tenant: Tenant) -> int:
    """How many memberships the user holds in other tenants (a count, through a SECURITY
    DEFINER function: row-level security hides those rows)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT privacy_other_memberships(%s, %s)", [user_id, tenant.id])
        return int(cursor.fetchone()[0])


def open_assigned_count(*, tenant: Tenant, membership: Membership) -> int:
    """Tickets still assigned to a staff member that are not closed: who owns them must change first."""
    return (
        Ticket.objects.filter(tenant=tenant, assignee=membership)
        .exclude(status=StatusCategory.CLOSED)
        .count()
    )


def privacy_export_get(*, tenant: Tenant, job_id: int) -> ExportJob | None:
    return ExportJob.objects.filter(tenant=tenant, id=job_id, kind=PRIVACY_EXPORT_KIND).first()


# -- what a data-access archive holds ------------------------------------------------------


def requested_ticket_ids(*, tenant: Tenant, membership: Membership) -> list[int]:
    return list(
        Ticket.objects.filter(tenant=tenant, requester=membership).order_by("id").values_list("id", flat=True)
    )


def authored_elsewhere_ticket_ids(*, tenant: Tenant, membership: Membership) -> list[int]:
    """Tickets they wrote on (a CC'd customer's reply) or follow, without being the requester."""
    authored = Message.objects.filter(tenant=tenant, author=membership).values_list("ticket_id", flat=True)
    followed = TicketFollower.objects.filter(tenant=tenant, membership=membership).values_list(
        "ticket_id", flat=True
    )
    ids = set(authored) | set(followed)
    mine = set(
        Ticket.objects.filter(tenant=tenant, id__in=ids, requester=membership).values_list("id", flat=True)
    )
    return sorted(ids - mine)


def archive_tickets(*, tenant: Tenant, ticket_ids: list[int]) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(tenant=tenant, id__in=ticket_ids)
        .select_related("custom_status", "assignee__user", "team")
        .order_by("id")
    )


def archive_messages(
    *, tenant: Tenant, ticket_ids: list[int], internal: bool, only_author: Membership | None = None
) -> QuerySet[Message]:
    qs = Message.objects.filter(tenant=tenant, ticket_id__in=ticket_ids).select_related("author__user")
    if not internal:
        qs = qs.filter(is_internal=False)
    if only_author is not None:
        qs = qs.filter(author=only_author)
    return qs.order_by("ticket_id", "id")


def archive_attachments(
    *, tenant: Tenant, membership: Membership, ticket_ids: list[int], internal: bool
) -> list[Attachment]:
    """Files on their tickets' messages (public ones unless `internal`), and every file they uploaded."""
    on_tickets = Q(ticket_id__in=ticket_ids, message__isnull=False)
    if not internal:
        on_tickets &= Q(message__is_internal=False)
    return list(
        Attachment.objects.filter(Q(tenant=tenant) & (on_tickets | Q(uploaded_by=membership)))
        .select_related("ticket")
        .order_by("id")
    )


def archive_csat(*, tenant: Tenant, membership: Membership) -> QuerySet[CsatSurvey]:
    return (
        CsatSurvey.objects.filter(tenant=tenant, requester=membership).select_related("ticket").order_by("id")
    )


def archive_audit(*, tenant: Tenant, membership: Membership) -> QuerySet[AuditEvent]:
    """Security events they caused in this tenant, and those about their membership."""
    return AuditEvent.objects.filter(
        Q(tenant=tenant) & (Q(actor_id=membership.user_id) | Q(detail__membership_id=membership.id))
    ).order_by("id")


def followed_ticket_numbers(*, tenant: Tenant, membership: Membership) -> list[int]:
    return list(
        Ticket.objects.filter(tenant=tenant, follower_links__membership=membership)
        .order_by("number")
        .values_list("number", flat=True)
    )


# -- retention -------------------------------------------------------------------------------


def retention_policy_get(*, tenant: Tenant) -> RetentionPolicy:
    """The tenant's rule (an unsaved, disabled default when none was set)."""
    return RetentionPolicy.objects.filter(tenant=tenant).first() or RetentionPolicy(tenant=tenant)


def retention_cutoff(days: int, now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=days)


def retention_candidates(*, tenant: Tenant, days: int) -> Any:
    """Solved or closed tickets whose last resolution (or close) lies more than `days` ago and
    that are not purged yet."""
    return (
        Ticket.objects.filter(tenant=tenant, status__in=[StatusCategory.SOLVED, StatusCategory.CLOSED])
        .annotate(resolved_on=Coalesce("closed_at", "solved_at", "updated_at"))
        .filter(resolved_on__lt=retention_cutoff(days))
        .exclude(subject=PURGED_SUBJECT)
    )
