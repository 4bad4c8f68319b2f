"""Ticket writes: create (with its first message), update, assign, bulk update, followers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Value
from django.utils import timezone

from contracts.events import Visibility
from tenancy.models import Membership, Tenant
from tickets.models import (
    Channel,
    Message,
    Priority,
    StatusCategory,
    Ticket,
    TicketFollower,
    TicketType,
)
from tickets.models.statuses import ALLOWED_TRANSITIONS
from tickets.models.tickets import ACTIVE_TICKETS, LinkKind
from tickets.sanitize import CONTROL_CHARS, prepare_body
from tickets.search_config import MAX_INDEXED_CHARS, search_config
from tickets.services.common import (
    emit_ticket_event,
    membership_in_tenant,
    record_changes,
    resolve_status,
    status_key,
    team_in_tenant,
)
from tickets.services.fields import custom_values_validate
from tickets.services.results import TicketCreated
from tickets.services.search_index import reindex_ticket

TAG_RE = re.compile(r"^[a-z0-9][a-z0-9_\-:.]{0,49}$")
MAX_TAGS = 30
BULK_MAX = 100
# What a customer may change on their own ticket: mark it solved, or reopen it.
CUSTOMER_STATUS_TARGETS = frozenset({StatusCategory.SOLVED, StatusCategory.OPEN})
STAFF_FIELDS = frozenset(
    {
        "subject",
        "status",
        "priority",
        "type",
        "category",
        "assignee_id",
        "team_id",
        "tags",
        "custom_fields",
        "due_at",
        "follower_ids",
    }
)


def next_ticket_number(*, tenant: Tenant) -> int:
    """The tenant's next number. The counter row stays locked until commit, so concurrent
    creates queue on it and numbers are consecutive with no gaps from failed checks."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tickets_ticketcounter (tenant_id, last_number) VALUES (%s, 1) "
            "ON CONFLICT (tenant_id) DO UPDATE SET last_number = tickets_ticketcounter.last_number + 1 "
            "RETURNING last_number",
            [tenant.id],
        )
        return int(cursor.fetchone()[0])


def normalize_tags(tags: list[str]) -> list[str]:
    cleaned = sorted({t.strip().lower() for t in tags if t and t.strip()})
    bad = [t for t in cleaned if not TAG_RE.match(t)]
    if bad:
        raise ValidationError(
            {"tags": f"Invalid tag(s): {', '.join(bad[:5])}. Use a-z, 0-9, _ - : . (≤ 50)."}
        )
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": f"At most {MAX_TAGS} tags."})
    return cleaned


def _choice(value: str, choices: list[str], field: str) -> str:
    if value not in choices:
        raise ValidationError({field: f"Use one of {', '.join(choices)}."})
    return value


@transaction.atomic
def ticket_create(
    *,
    tenant: Tenant,
    actor: Membership,
    subject: str,
    body_html: str | None = None,
    body_text: str | None = None,
    requester_id: int | None = None,
    channel: str | None = None,
    priority: str = Priority.NORMAL,
    type: str = TicketType.QUESTION,
    category: str = "",
    assignee_id: int | None = None,
    team_id: int | None = None,
    tags: list[str] | None = None,
    custom_fields: dict[str, Any] | None = None,
    due_at: dt.datetime | None = None,
    channel_verified: bool = False,
    follower_ids: list[int] | None = None,
) -> TicketCreated:
    """A new ticket with its first (public) message. Customers file for themselves only.

    A customer's own request may only claim the portal or API channel; server-side
    intake (the email channel) passes `channel_verified=True` to keep its real channel,
    and `follower_ids` for the people copied on the request (its `ticket.created` names them).
    """
    staff = actor.is_staff_role
    subject = CONTROL_CHARS.sub("", subject).strip()
    if not subject:
        raise ValidationError({"subject": "A ticket needs a subject."})
    if not staff and (
        assignee_id or team_id or tags or due_at or category or requester_id not in (None, actor.id)
    ):
        raise PermissionDenied(
            "Customers cannot set the requester, assignee, team, tags, category or due date."
        )
    safe_html, text = prepare_body(body_html=body_html, body_text=body_text)
    if not text:
        raise ValidationError({"body": "Describe the request (body_text or body_html)."})
    requester = (
        membership_in_tenant(tenant=tenant, membership_id=requester_id, field="requester_id")
        if requester_id is not None and requester_id != actor.id
        else actor
    )
    channel = _choice(channel or (Channel.AGENT if staff else Channel.PORTAL), Channel.values, "channel")
    if not staff and not channel_verified and channel not in (Channel.PORTAL, Channel.API):
        channel = Channel.PORTAL
    cfg = search_config(tenant)
    ticket = Ticket(
        tenant=tenant,
        subject=subject[:250],
        priority=_choice(priority, Priority.values, "priority"),
        type=_choice(type, TicketType.values, "type"),
        category=category.strip()[:100],
        channel=channel,
        requester=requester,
        assignee=membership_in_tenant(
            tenant=tenant, membership_id=assignee_id, field="assignee_id", staff=True
        )
        if assignee_id
        else None,
        team=team_in_tenant(tenant=tenant, team_id=team_id) if team_id else None,
        tags=normalize_tags(tags or []),
        custom_fields=custom_values_validate(
            tenant=tenant, current={}, incoming=custom_fields or {}, staff=staff
        ),
        due_at=due_at,
    )
    ticket.number = next_ticket_number(tenant=tenant)
    ticket.search_vector = SearchVector(Value(subject), config=Value(cfg), weight="A") + SearchVector(
        Value(text[:MAX_INDEXED_CHARS]), config=Value(cfg), weight="B"
    )
    ticket.save()
    ticket.search_vector = None  # the expression is not a value; nothing reads it from the instance
    message = Message.objects.create(
        tenant=tenant, ticket=ticket, author=actor, channel=channel, body_html=safe_html, body_text=text
    )
    followers = sorted(set(follower_ids or []) - {requester.id})
    for member_id in followers:
        membership_in_tenant(tenant=tenant, membership_id=member_id, field="follower_ids")
    TicketFollower.objects.bulk_create(
        [TicketFollower(tenant=tenant, ticket=ticket, membership_id=m) for m in followers]
    )
    changes: dict[str, tuple] = {"created": (None, ticket.number)}
    if followers:
        changes["follower_ids"] = ([], followers)
    record_changes(ticket=ticket, actor=actor, via=channel, changes=changes)
    emit_ticket_event(
        ticket=ticket,
        type="ticket.created",
        actor=actor,
        via=channel,
        visibility=Visibility.PUBLIC,
        subject=ticket.subject,
        priority=ticket.priority,
        channel=channel,
        message_id=message.id,
        follower_ids=followers,
    )
    return TicketCreated(ticket, message)


def _refuse_if_children_open(ticket: Ticket, tenant: Tenant) -> None:
    """A parent waits for its children: solving it early would hide work still in progress."""
    open_ids = list(
        Ticket.objects.filter(
            ACTIVE_TICKETS, tenant=tenant, links_in__source=ticket, links_in__kind=LinkKind.PARENT_OF
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    if open_ids:
        raise ValidationError(
            {"status": f"Solve the open child tickets first: {', '.join(map(str, open_ids))}."}
        )


def _set_status(ticket: Ticket, tenant: Tenant, value: str, *, force: bool = False) -> None:
    category, custom = resolve_status(tenant=tenant, value=value)
    if category != ticket.status and not force and category not in ALLOWED_TRANSITIONS[ticket.status]:
        raise ValidationError({"status": f"A {ticket.status} ticket cannot become {category}."})
    if not force and category in (StatusCategory.SOLVED, StatusCategory.CLOSED) and ticket.id:
        _refuse_if_children_open(ticket, tenant)
    now = timezone.now()
    if category != ticket.status:
        if category == StatusCategory.SOLVED:
            ticket.solved_at = now
        elif category == StatusCategory.CLOSED:
            ticket.closed_at = now
            ticket.solved_at = ticket.solved_at or now
        else:
            ticket.solved_at = None
    ticket.status = category
    ticket.custom_status = custom


def _apply(
    ticket: Ticket, tenant: Tenant, actor: Membership | None, changes: dict[str, Any]
) -> dict[str, tuple]:
    """Apply `changes` to the instance; return {field: (old, new)} of what really changed."""
    before = {
        "subject": ticket.subject,
        "status": status_key(ticket),
        "priority": ticket.priority,
        "type": ticket.type,
        "category": ticket.category,
        "assignee_id": ticket.assignee_id,
        "team_id": ticket.team_id,
        "tags": list(ticket.tags),
        "custom_fields": dict(ticket.custom_fields),
        "due_at": ticket.due_at.isoformat() if ticket.due_at else None,
    }
    if "subject" in changes:
        ticket.subject = CONTROL_CHARS.sub("", changes["subject"] or "").strip()[:250]
        if not ticket.subject:
            raise ValidationError({"subject": "A ticket needs a subject."})
    if "status" in changes:
        _set_status(ticket, tenant, changes["status"])
    if "priority" in changes:
        ticket.priority = _choice(changes["priority"], Priority.values, "priority")
    if "type" in changes:
        ticket.type = _choice(changes["type"], TicketType.values, "type")
    if "category" in changes:
        ticket.category = (changes["category"] or "").strip()[:100]
    if "assignee_id" in changes:
        value = changes["assignee_id"]
        ticket.assignee = (
            membership_in_tenant(tenant=tenant, membership_id=value, field="assignee_id", staff=True)
            if value
            else None
        )
    if "team_id" in changes:
        ticket.team = (
            team_in_tenant(tenant=tenant, team_id=changes["team_id"]) if changes["team_id"] else None
        )
    if "tags" in changes:
        ticket.tags = normalize_tags(changes["tags"] or [])
    if "add_tags" in changes or "remove_tags" in changes:
        current = set(ticket.tags) | set(normalize_tags(changes.get("add_tags") or []))
        ticket.tags = normalize_tags(sorted(current - set(normalize_tags(changes.get("remove_tags") or []))))
    if "custom_fields" in changes:
        ticket.custom_fields = custom_values_validate(
            tenant=tenant,
            current=ticket.custom_fields,
            incoming=changes["custom_fields"] or {},
            staff=actor is None or actor.is_staff_role,
        )
    if "due_at" in changes:
        ticket.due_at = changes["due_at"]
    after = {
        "subject": ticket.subject,
        "status": status_key(ticket),
        "priority": ticket.priority,
        "type": ticket.type,
        "category": ticket.category,
        "assignee_id": ticket.assignee_id,
        "team_id": ticket.team_id,
        "tags": list(ticket.tags),
        "custom_fields": dict(ticket.custom_fields),
        "due_at": ticket.due_at.isoformat() if ticket.due_at else None,
    }
    return {k: (before[k], after[k]) for k in before if before[k] != after[k]}


def _check_customer_changes(ticket: Ticket, actor: Membership, changes: dict[str, Any]) -> None:
    if set(changes) - {"status"}:
        raise PermissionDenied("Customers can only mark their ticket solved or reopen it.")
    if "status" in changes:
        target = changes["status"]
        if target not in CUSTOMER_STATUS_TARGETS or (
            target == StatusCategory.OPEN and ticket.status != StatusCategory.SOLVED
        ):
            raise PermissionDenied("Customers can only mark their ticket solved or reopen a solved one.")


def _followers_set(*, tenant: Tenant, ticket: Ticket, ids: list[int]) -> tuple[list[int], list[int]]:
    old = sorted(
        TicketFollower.objects.filter(tenant=tenant, ticket=ticket).values_list("membership_id", flat=True)
    )
    new = sorted(set(ids))
    for member_id in set(new) - set(old):
        membership_in_tenant(tenant=tenant, membership_id=member_id, field="follower_ids")
    TicketFollower.objects.filter(
        tenant=tenant, ticket=ticket, membership_id__in=set(old) - set(new)
    ).delete()
    TicketFollower.objects.bulk_create(
        [TicketFollower(tenant=tenant, ticket=ticket, membership_id=m) for m in set(new) - set(old)]
    )
    return old, new


@transaction.atomic
def ticket_update(
    *,
    tenant: Tenant,
    ticket: Ticket,
    actor: Membership | None,
    changes: dict[str, Any],
    via: str = Channel.API,
) -> Ticket:
    """Change fields of a ticket, check the status transition, record history and events.

    `actor` None is the system (assignment, a trigger...): staff rights, and `via` names the rule."""
    unknown = set(changes) - STAFF_FIELDS - {"add_tags", "remove_tags"}
    if unknown:
        raise ValidationError({name: "Unknown field." for name in unknown})
    if actor is not None and not actor.is_staff_role:
        _check_customer_changes(ticket, actor, changes)
    if ticket.status == StatusCategory.CLOSED and changes:
        raise ValidationError({"status": "A closed ticket cannot change; open a follow-up ticket instead."})
    # Lock the row so concurrent updates apply one after the other, each on fresh values.
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("custom_status")
        .get(tenant=tenant, id=ticket.id)
    )
    diff = _apply(locked, tenant, actor, {k: v for k, v in changes.items() if k != "follower_ids"})
    if "follower_ids" in changes:
        old, new = _followers_set(tenant=tenant, ticket=locked, ids=changes["follower_ids"] or [])
        if old != new:
            diff["follower_ids"] = (old, new)
    if not diff:
        return locked
    locked.save()
    if "subject" in diff:
        reindex_ticket(tenant=tenant, ticket=locked)
    record_changes(ticket=locked, actor=actor, via=via, changes=diff)
    _emit_update_events(locked, actor, via, diff)
    return locked


def _emit_update_events(ticket: Ticket, actor: Membership | None, via: str, diff: dict[str, tuple]) -> None:
    if "status" in diff:
        emit_ticket_event(
            ticket=ticket,
            type="ticket.status_changed",
            actor=actor,
            via=via,
            visibility=Visibility.PUBLIC,
            previous_status=diff["status"][0],
            new_status=diff["status"][1],
        )
    if "assignee_id" in diff or "team_id" in diff:
        emit_ticket_event(
            ticket=ticket,
            type="ticket.assigned",
            actor=actor,
            via=via,
            visibility=Visibility.INTERNAL,
            previous_assignee_membership_id=diff.get("assignee_id", (ticket.assignee_id,))[0],
            previous_team_id=diff.get("team_id", (ticket.team_id,))[0],
        )
    other = sorted(set(diff) - {"status", "assignee_id", "team_id"})
    if other:
        # Customers may learn that their subject or fields changed, not of agent-only fields.
        public = bool({"subject", "priority", "type"} & set(other))
        emit_ticket_event(
            ticket=ticket,
            type="ticket.updated",
            actor=actor,
            via=via,
            visibility=Visibility.PUBLIC if public else Visibility.INTERNAL,
            changed_fields=other,
            agent_only={"changes": {name: {"old": diff[name][0], "new": diff[name][1]} for name in other}},
        )


def ticket_assign(
    *, tenant: Tenant, ticket: Ticket, actor: Membership, assignee_id: int | None, team_id: int | None = None
) -> Ticket:
    changes: dict[str, Any] = {"assignee_id": assignee_id}
    if team_id is not None:
        changes["team_id"] = team_id
    return ticket_update(tenant=tenant, ticket=ticket, actor=actor, changes=changes)


@transaction.atomic
def ticket_bulk_update(
    *, tenant: Tenant, ticket_ids: list[int], actor: Membership, changes: dict[str, Any]
) -> list[Ticket]:
    """The same change on up to 100 tickets; any error rolls every one of them back."""
    if not actor.is_staff_role:
        raise PermissionDenied("Bulk updates are for staff.")
    allowed = {"status", "assignee_id", "team_id", "tags", "add_tags", "remove_tags", "priority"}
    if set(changes) - allowed:
        raise ValidationError({k: "Not changeable in bulk." for k in set(changes) - allowed})
    ids = list(dict.fromkeys(ticket_ids))
    if not ids or len(ids) > BULK_MAX:
        raise ValidationError({"ids": f"Give between 1 and {BULK_MAX} ticket ids."})
    # One ordered lock pass first, so two bulk updates cannot deadlock each other.
    found = list(
        Ticket.objects.select_for_update(of=("self",)).filter(tenant=tenant, id__in=ids).order_by("id")
    )
    if len(found) != len(ids):
        missing = sorted(set(ids) - {t.id for t in found})
        raise ValidationError({"ids": f"No such ticket(s): {', '.join(map(str, missing[:10]))}."})
    updated = []
    for ticket in found:
        try:
            updated.append(ticket_update(tenant=tenant, ticket=ticket, actor=actor, changes=changes))
        except ValidationError as exc:
            raise ValidationError({f"#{ticket.number}": exc.messages}) from exc
    return updated
