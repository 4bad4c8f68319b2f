"""A valid example payload for every event type (tests of every service and docs use them)."""

from __future__ import annotations

from typing import Any

_TICKET: dict[str, Any] = {
    "ticket_id": 42,
    "number": 7,
    "status": "open",
    "requester_membership_id": 3,
    "assignee_membership_id": 2,
    "team_id": None,
}

_EXTRA: dict[str, dict[str, Any]] = {
    "ticket.created": {"subject": "Printer on fire", "channel": "email", "priority": "high"},
    "ticket.updated": {
        "changed_fields": ["priority"],
        "agent_only": {"changes": {"priority": {"old": "normal", "new": "high"}}},
    },
    "ticket.assigned": {"previous_assignee_membership_id": None},
    "ticket.status_changed": {"previous_status": "new"},
    "ticket.merged": {"merged_into_ticket_id": 41},
    "message.added": {"message_id": 9, "is_internal": False, "author_membership_id": 3, "channel": "email"},
    "sla.warning": {"metric": "first_response", "due_at": "2026-11-25T12:00:00Z"},
    "sla.breached": {"metric": "resolution", "due_at": "2026-11-25T12:00:00Z"},
    "csat.received": {"rating": 5, "comment": "Quick, thanks"},
}


def sample_payload(type: str, **overrides: Any) -> dict[str, Any]:
    if type == "notification.created":
        base: dict[str, Any] = {
            "notification_id": 1,
            "recipient_membership_id": 2,
            "kind": "ticket.assigned",
            "title": "Ticket #7 was assigned to you",
            "ticket_id": 42,
        }
    elif type == "kb.article_published":
        base = {"article_id": 5, "slug": "reset-your-password", "visibility": "public", "locales": ["en"]}
    elif type in ("member.invited", "member.updated"):
        base = {
            "membership_id": 8,
            "user_id": 6,
            "email": "new.agent@example.com",
            "role": "agent",
            "active": True,
            "changed_fields": ["role"] if type == "member.updated" else [],
            "new_user": type == "member.invited",
            "by_membership_id": 1,
        }
    elif type == "member.password_reset_requested":
        base = {"membership_id": 8, "user_id": 6}
    elif type == "member.signup_requested":
        base = {"signup_id": "q1w2e3r4t5y6"}
    elif type == "tenant.signup_requested":
        base = {"tenant_id": 1}
    elif type == "privacy.person_erased":
        base = {
            "membership_id": 3,
            "user_id": 6,
            "ticket_ids": [42],
            "message_ids": [9],
            "attachments_deleted": 1,
            "by_membership_id": 1,
        }
    elif type == "privacy.tickets_purged":
        base = {"ticket_ids": [42], "older_than_days": 365}
    else:
        base = {**_TICKET, **_EXTRA[type]}
    return {**base, **overrides}
