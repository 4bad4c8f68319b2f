"""The rule engine shared by triggers, time rules and macros: facts, conditions, actions.

Every change a rule makes goes through the ticket services with `via` naming the rule
("trigger:12"), so the ticket history shows which rule did what.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from automations.models import Delivery
from automations.schemas import (
    AddNote,
    AddTags,
    Condition,
    Conditions,
    EmailRequester,
    Notify,
    SetCustomField,
    SetField,
    Webhook,
    render,
)
from jobs import enqueue_on_commit, task_name
from sla.business_time import business_minutes_between
from sla.models import BusinessCalendar
from sla.services.clocks import calendar_spec
from tenancy.models import Membership, Tenant
from tickets.models import Channel, Message, Ticket
from tickets.services.common import record_changes
from tickets.services.messages import message_add
from tickets.services.tickets import ticket_update

DELIVER = task_name("automations.tasks.deliver")


@dataclass
class Facts:
    """What conditions look at: the ticket as it is now, and the event that woke the rule."""

    ticket: Ticket
    at: dt.datetime
    message_text: str = ""
    message_author: str | None = None  # requester, staff or system
    sla_metric: str | None = None


def facts_for(
    *, tenant: Tenant, ticket: Ticket, at: dt.datetime, data: dict[str, Any] | None = None
) -> Facts:
    data = data or {}
    facts = Facts(ticket=ticket, at=at, sla_metric=data.get("metric"))
    message_id = data.get("message_id")
    if message_id:
        message = Message.objects.filter(tenant=tenant, ticket=ticket, id=message_id).first()
        if message is not None:
            facts.message_text = message.body_text
            if message.author_id is None:
                facts.message_author = "system"
            elif message.author_id == ticket.requester_id:
                facts.message_author = "requester"
            else:
                facts.message_author = "staff"
    return facts


def _open_now(tenant: Tenant, at: dt.datetime) -> bool:
    calendar = BusinessCalendar.objects.filter(tenant=tenant, is_default=True).first()
    spec = calendar_spec(calendar)
    return spec is None or business_minutes_between(spec, at, at + dt.timedelta(minutes=1)) > 0


def _value(tenant: Tenant, cond: Condition, facts: Facts) -> Any:
    ticket = facts.ticket
    match cond.field:
        case "status":
            return ticket.status_key
        case "custom_field":
            return (ticket.custom_fields or {}).get(cond.key or "")
        case "message_text":
            return facts.message_text
        case "message_author":
            return facts.message_author
        case "sla_metric":
            return facts.sla_metric
        case "within_business_hours":
            return _open_now(tenant, facts.at)
        case "tags":
            return list(ticket.tags or [])
        case "organization_id":  # the requester's organization
            return ticket.requester.organization_id
        case _:
            return getattr(ticket, cond.field)


def condition_holds(tenant: Tenant, cond: Condition, facts: Facts) -> bool:
    value, wanted = _value(tenant, cond, facts), cond.value
    if cond.field == "status" and cond.op in ("is", "is_not", "in", "not_in"):
        # a custom status also matches its category
        value = {value, facts.ticket.status}
        hit = bool(value & (set(wanted) if isinstance(wanted, list) else {wanted}))
        return hit if cond.op in ("is", "in") else not hit
    wanted_tags = set(wanted) if isinstance(wanted, list) else {wanted}
    checks = {
        "is": lambda: value == wanted,
        "is_not": lambda: value != wanted,
        "in": lambda: value in wanted,
        "not_in": lambda: value not in wanted,
        "contains": lambda: str(wanted).lower() in str(value or "").lower(),
        "not_contains": lambda: str(wanted).lower() not in str(value or "").lower(),
        "includes": lambda: wanted_tags <= set(value or []),
        "excludes": lambda: not (wanted_tags & set(value or [])),
        "is_set": lambda: value not in (None, "", []),
        "is_not_set": lambda: value in (None, "", []),
    }
    return bool(checks[cond.op]())


def conditions_hold(tenant: Tenant, conditions: Conditions, facts: Facts) -> bool:
    if not all(condition_holds(tenant, c, facts) for c in conditions.all):
        return False
    return not conditions.any or any(condition_holds(tenant, c, facts) for c in conditions.any)


def placeholder_values(*, ticket: Ticket, tenant: Tenant, agent: Membership | None = None) -> dict[str, str]:
    ticket = Ticket.objects.select_related("requester__user", "assignee__user", "team", "custom_status").get(
        tenant=tenant, id=ticket.id
    )

    def name(member: Membership | None) -> str:
        return (member.user.full_name or member.user.email) if member is not None else ""

    return {
        "ticket.number": str(ticket.number),
        "ticket.subject": ticket.subject,
        "ticket.status": ticket.status_key,
        "ticket.priority": ticket.priority,
        "ticket.type": ticket.type,
        "ticket.category": ticket.category,
        "ticket.requester.name": name(ticket.requester),
        "ticket.requester.email": ticket.requester.user.email,
        "ticket.assignee.name": name(ticket.assignee),
        "ticket.team.name": ticket.team.name if ticket.team else "",
        "agent.name": name(agent),
        "tenant.name": tenant.name,
    }


def field_changes(actions: list[Any]) -> dict[str, Any]:
    """The ticket_update changes a list of actions makes (later actions win)."""
    changes: dict[str, Any] = {}
    for action in actions:
        if isinstance(action, SetField):
            changes[action.field] = action.value
        elif isinstance(action, AddTags):
            changes.setdefault(action.type, []).extend(action.tags)
        elif isinstance(action, SetCustomField):
            changes.setdefault("custom_fields", {})[action.key] = action.value
    return changes


def _queue_delivery(tenant: Tenant, ticket: Ticket, rule: str, kind: str, target: str, **fields: str) -> None:
    delivery = Delivery.objects.create(
        tenant=tenant, ticket=ticket, rule=rule, kind=kind, target=target, **fields
    )
    enqueue_on_commit(DELIVER, tenant_id=tenant.id, delivery_id=delivery.id)


def apply_actions(*, tenant: Tenant, ticket: Ticket, actions: list[Any], via: str) -> list[str]:
    """Run a rule's actions on the ticket as the system; returns what was done, for the run record."""
    done: list[str] = []
    changes = field_changes(actions)
    if changes:
        ticket = ticket_update(tenant=tenant, ticket=ticket, actor=None, changes=changes, via=via)
        done.append("fields:" + ",".join(sorted(changes)))
    values = placeholder_values(ticket=ticket, tenant=tenant)
    for action in actions:
        if isinstance(action, AddNote):
            note = message_add(
                tenant=tenant,
                ticket=ticket,
                author=None,
                body_text=render(action.text, values),
                internal=True,
                channel=Channel.SYSTEM,
            )
            record_changes(ticket=ticket, actor=None, via=via, changes={"note": (None, note.id)})
            done.append("note")
        elif isinstance(action, Notify):
            target = ",".join(str(i) for i in action.membership_ids) + (
                f";team:{action.team_id}" if action.team_id else ""
            )
            _queue_delivery(
                tenant, ticket, via, Delivery.Kind.NOTIFY, target, body=render(action.text, values)
            )
            done.append("notify")
        elif isinstance(action, EmailRequester):
            _queue_delivery(
                tenant,
                ticket,
                via,
                Delivery.Kind.EMAIL,
                values["ticket.requester.email"],
                subject=render(action.subject, values)[:250],
                body=render(action.body, values),
            )
            done.append("email")
        elif isinstance(action, Webhook):
            _queue_delivery(tenant, ticket, via, Delivery.Kind.WEBHOOK, str(action.url))
            done.append("webhook")
    return done
