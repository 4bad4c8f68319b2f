"""The tenant's retention rule: tickets solved or closed more than N days ago are closed and purged
(subject, message text, attachments, CSAT comments and free-text fields removed; the ticket's
statistics kept), a chunk of tickets per transaction, by a beat task."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.services.users import audit_record
from contracts.events import Actor, Visibility
from events.services import event_record
from privacy.models import MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, RetentionPolicy
from privacy.selectors import PURGED_SUBJECT, retention_candidates, retention_policy_get
from privacy.services.scrub import attachments_delete, csat_comments_clear, messages_replace, tickets_scrub
from tenancy.context import tenant_context
from tenancy.models import AuditAction, Membership, Tenant
from tenancy.selectors import tenant_by_id
from tickets.models import Attachment, Message, StatusCategory, Ticket, TicketChange

PURGE_CHUNK = 200
PURGED_TEXT = "[removed by the retention rule]"


def retention_days_check(days: int) -> int:
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise ValidationError(
            {"days": f"Keep tickets between {MIN_RETENTION_DAYS} and {MAX_RETENTION_DAYS} days."}
        )
    return days


@transaction.atomic
def retention_policy_set(
    *, tenant: Tenant, actor: Membership, enabled: bool, days: int, request: HttpRequest | None = None
) -> RetentionPolicy:
    retention_days_check(days)
    policy = RetentionPolicy.objects.select_for_update().filter(tenant=tenant).first() or RetentionPolicy(
        tenant=tenant
    )
    before = {"enabled": policy.enabled, "days": policy.days} if policy.pk else None
    policy.enabled, policy.days = enabled, days
    policy.save()
    audit_record(
        tenant_id=tenant.id,
        action=AuditAction.RETENTION_CHANGED,
        actor_id=actor.user_id,
        request=request,
        detail={"before": before, "after": {"enabled": enabled, "days": days}},
    )
    return policy


@transaction.atomic
def tickets_purge(*, tenant: Tenant, ticket_ids: list[int], older_than_days: int) -> int:
    """Close (if solved) and purge these tickets, all or nothing."""
    tickets = list(
        Ticket.objects.select_for_update()
        .filter(tenant=tenant, id__in=ticket_ids)
        .exclude(subject=PURGED_SUBJECT)
        .only("id", "status", "closed_at")
    )
    ids = [t.id for t in tickets]
    if not ids:
        return 0
    now = timezone.now()
    solved = [t for t in tickets if t.status == StatusCategory.SOLVED]
    Ticket.objects.filter(tenant=tenant, id__in=[t.id for t in solved]).update(
        status=StatusCategory.CLOSED, custom_status=None, closed_at=now
    )
    TicketChange.objects.bulk_create(
        [
            TicketChange(tenant=tenant, ticket_id=t.id, actor=None, via="retention", field="status",
                         old=StatusCategory.SOLVED, new=StatusCategory.CLOSED)
            for t in solved
        ]
    )  # fmt: skip
    message_ids = Message.objects.filter(tenant=tenant, ticket_id__in=ids).values_list("id", flat=True)
    messages_replace(tenant=tenant, messages=message_ids, text=PURGED_TEXT)
    attachment_ids = Attachment.objects.filter(tenant=tenant, ticket_id__in=ids).values_list("id", flat=True)
    attachments_delete(tenant=tenant, attachment_ids=attachment_ids)
    csat_comments_clear(tenant=tenant, ticket_ids=ids)
    tickets_scrub(tenant=tenant, ticket_ids=ids, subject=PURGED_SUBJECT)
    event_record(
        tenant_id=tenant.id,
        type="privacy.tickets_purged",
        data={"ticket_ids": ids, "older_than_days": older_than_days},
        actor=Actor(kind="system", name="retention"),
        visibility=Visibility.INTERNAL,
        subject_id=None,
    )
    return len(ids)


def retention_run(*, tenant_id: int, limit: int | None = None) -> int:
    """Apply the tenant's rule if it is on: purge every due ticket, PURGE_CHUNK per transaction
    (a failure keeps the chunks already done and leaves the rest for the next run)."""
    purged, days = 0, 0
    while limit is None or purged < limit:
        with tenant_context(tenant_id):
            tenant = tenant_by_id(tenant_id=tenant_id)
            if tenant is None:
                return purged
            policy = retention_policy_get(tenant=tenant)
            if not policy.enabled or policy.pk is None:
                return purged
            days = policy.days
            chunk = list(
                retention_candidates(tenant=tenant, days=policy.days)
                .order_by("id")
                .values_list("id", flat=True)[:PURGE_CHUNK]
            )
            if not chunk:
                break
            done = tickets_purge(tenant=tenant, ticket_ids=chunk, older_than_days=policy.days)
            if not done:
                break
            purged += done
    with tenant_context(tenant_id):
        RetentionPolicy.objects.filter(tenant_id=tenant_id).update(
            last_run_at=timezone.now(), last_purged=purged
        )
        if purged:
            audit_record(
                tenant_id=tenant_id,
                action=AuditAction.RETENTION_PURGE,
                detail={"tickets": purged, "days": days},
            )
    return purged
