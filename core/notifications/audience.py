"""Who is told what, per event type (the issue's rules, in one place).

- assignee: on assignment and on a customer's reply (and SLA warnings/breaches);
- requester: on a public agent reply and on status changes;
- followers: on replies and status changes;
- the team (or every agent when there is no team) on a new unassigned ticket;
- never a customer about anything internal: `recipients` drops every non-staff
  member when the event or the message is internal, whatever the rule said.
The actor is never told about their own change.
"""

from __future__ import annotations

from contracts.events import EventEnvelope, Visibility
from contracts.payloads import MessageAddedV1, Payload, TicketPayload, validate_payload


def _rule(event: EventEnvelope, payload: Payload) -> list[int]:
    if not isinstance(payload, TicketPayload):
        return []
    assignee = payload.assignee_membership_id
    requester = payload.requester_membership_id
    followers = list(payload.follower_membership_ids)
    match event.type:
        case "ticket.created":
            return [assignee] if assignee else []  # the unassigned case is the team's (staff_pool)
        case "ticket.assigned":
            return [assignee] if assignee else []
        case "message.added":
            assert isinstance(payload, MessageAddedV1)
            if payload.is_internal:
                return [m for m in [assignee, *followers] if m]
            if payload.author_membership_id == requester:
                return [m for m in [assignee, *followers] if m]
            return [requester, *followers]
        case "ticket.status_changed":
            return [requester, *followers]
        case "sla.warning" | "sla.breached":
            return [assignee] if assignee else []
        case _:
            return []


def wants_staff_pool(event: EventEnvelope, payload: Payload) -> bool:
    """A new ticket nobody owns goes to its team, or to every agent without a team."""
    return (
        event.type == "ticket.created"
        and isinstance(payload, TicketPayload)
        and payload.assignee_membership_id is None
    )


def is_internal(event: EventEnvelope, payload: Payload) -> bool:
    return event.visibility is Visibility.INTERNAL or bool(getattr(payload, "is_internal", False))


def recipients(event: EventEnvelope, *, staff_ids: set[int], pool_ids: list[int]) -> list[int]:
    """Membership ids to tell, in order, without the actor and (if internal) without customers."""
    payload = validate_payload(event.type, event.version, event.data)
    ids = _rule(event, payload)
    if wants_staff_pool(event, payload):
        ids += pool_ids
    actor_member = getattr(payload, "author_membership_id", None)
    seen: set[int] = set()
    out = []
    for member_id in ids:
        if member_id in seen or member_id == actor_member:
            continue
        if is_internal(event, payload) and member_id not in staff_ids:
            continue
        seen.add(member_id)
        out.append(member_id)
    return out
