"""Versioned payload models of every domain event type (the `data` of an EventEnvelope).

Each (type, version) names one pydantic model. Core validates `data` against it when
recording (events.services.event_record); the realtime gateway, the AI service and
webhook receivers can parse with the same model. Adding an optional field keeps the
version; removing or changing a field's meaning is a new version, registered next to
the old one. Unknown extra keys are kept (extra="allow") so a newer producer does not
break an older reader.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Payload(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class TicketPayload(Payload):
    """What every ticket event carries; customers are filtered on the requester."""

    ticket_id: int
    number: int
    status: str
    requester_membership_id: int
    assignee_membership_id: int | None = None
    team_id: int | None = None
    subject: str = ""
    follower_membership_ids: list[int] = Field(default_factory=list)


class TicketCreatedV1(TicketPayload):
    channel: str = ""
    priority: str = ""


class FieldChange(BaseModel):
    """One changed field's value before and after (as JSON: ids, keys, lists, ISO dates)."""

    model_config = ConfigDict(frozen=True)

    old: Any = None
    new: Any = None


class TicketChangesAgentOnly(Payload):
    """Staff-only part of `ticket.updated`: values can be agent-only (category, tags, custom
    fields), so they travel under `agent_only`, which the gateway strips for customers."""

    changes: dict[str, FieldChange] = Field(
        default_factory=dict, description="Each of `changed_fields` with its old and new value."
    )


class TicketUpdatedV1(TicketPayload):
    changed_fields: list[str] = Field(default_factory=list)
    agent_only: TicketChangesAgentOnly | None = None


class TicketAssignedV1(TicketPayload):
    previous_assignee_membership_id: int | None = None


class TicketStatusChangedV1(TicketPayload):
    previous_status: str = ""


class TicketMergedV1(TicketPayload):
    merged_into_ticket_id: int


class MessageAddedV1(TicketPayload):
    message_id: int
    is_internal: bool
    author_membership_id: int | None = None
    channel: str = ""
    body_text: str = Field(default="", description="Plain text of the message (for notifications).")


class SlaPayloadV1(TicketPayload):
    metric: str = Field(description="first_response, next_response or resolution")
    due_at: datetime


class CsatReceivedV1(TicketPayload):
    rating: int = Field(ge=1, le=5)
    comment: str = ""


class NotificationCreatedV1(Payload):
    """An in-app notification for one member (the realtime gateway pushes it to them only)."""

    notification_id: int
    recipient_membership_id: int
    kind: str
    title: str
    ticket_id: int | None = None


class ArticlePublishedV1(Payload):
    """A knowledge base article became visible to its readers. Recorded as an internal
    event: an agents-only article must not reach customers' streams."""

    article_id: int
    slug: str
    visibility: str = Field(description="public, customers or agents")
    locales: list[str] = Field(default_factory=list)


class MemberChangedV1(Payload):
    """An admin added someone to the tenant (member.invited) or changed a membership's role
    or activity (member.updated). Internal: staff only. The audit trail of member changes,
    and what sends the invitation email."""

    membership_id: int
    user_id: int
    email: str
    role: str
    active: bool
    changed_fields: list[str] = Field(default_factory=list, description="member.updated: role, active")
    new_user: bool = Field(default=False, description="member.invited: the invitation created the account")
    by_membership_id: int | None = None


class PasswordResetRequestedV1(Payload):
    """A member asked for a password reset link (member.password_reset_requested), within the
    hourly limit. Internal: staff only. Ids only: the link is made when the mail is queued."""

    membership_id: int
    user_id: int


class SignupRequestedV1(Payload):
    """Someone asked for a customer account on the portal (member.signup_requested). Internal.
    Only the pending sign-up's id (its address and link secret stay in the cache): the mail
    says either "confirm" or "you already have an account", and the event does not tell which."""

    signup_id: str


class TenantSignupRequestedV1(Payload):
    """Someone asked for a new desk on the platform host (tenant.signup_requested); the tenant is
    pending until its owner confirms by email. Internal. Ids only: the link is made when the
    mail is queued."""

    tenant_id: int


class PersonErasedV1(Payload):
    """An admin erased a person's data in one tenant (privacy.person_erased). Internal. Ids only,
    never the erased name or address: apps holding copies (search index, AI vectors, realtime
    sessions, sent-mail records) drop what belongs to these ids."""

    membership_id: int
    user_id: int = Field(description="The user row the membership points to now (anonymised).")
    ticket_ids: list[int] = Field(default_factory=list, description="Tickets they requested, now scrubbed.")
    message_ids: list[int] = Field(default_factory=list, description="Messages whose text was replaced.")
    attachments_deleted: int = 0
    by_membership_id: int | None = None


class TicketsPurgedV1(Payload):
    """The tenant's retention rule closed and purged these tickets (privacy.tickets_purged).
    Internal. Their statistics stay; their text, attachments and comments are gone."""

    ticket_ids: list[int]
    older_than_days: int


PAYLOADS: dict[tuple[str, int], type[Payload]] = {
    ("ticket.created", 1): TicketCreatedV1,
    ("ticket.updated", 1): TicketUpdatedV1,
    ("ticket.assigned", 1): TicketAssignedV1,
    ("ticket.status_changed", 1): TicketStatusChangedV1,
    ("ticket.merged", 1): TicketMergedV1,
    ("message.added", 1): MessageAddedV1,
    ("sla.warning", 1): SlaPayloadV1,
    ("sla.breached", 1): SlaPayloadV1,
    ("csat.received", 1): CsatReceivedV1,
    ("notification.created", 1): NotificationCreatedV1,
    ("kb.article_published", 1): ArticlePublishedV1,
    ("member.invited", 1): MemberChangedV1,
    ("member.updated", 1): MemberChangedV1,
    ("member.password_reset_requested", 1): PasswordResetRequestedV1,
    ("member.signup_requested", 1): SignupRequestedV1,
    ("tenant.signup_requested", 1): TenantSignupRequestedV1,
    ("privacy.person_erased", 1): PersonErasedV1,
    ("privacy.tickets_purged", 1): TicketsPurgedV1,
}

EVENT_TYPES: frozenset[str] = frozenset(name for name, _ in PAYLOADS)


class UnknownEventTypeError(ValueError):
    pass


def payload_model(type: str, version: int = 1) -> type[Payload]:
    try:
        return PAYLOADS[(type, version)]
    except KeyError:
        raise UnknownEventTypeError(f"no payload schema for event {type} v{version}") from None


def validate_payload(type: str, version: int, data: dict[str, Any]) -> Payload:
    """Parse `data` with its schema; raises pydantic.ValidationError or UnknownEventTypeError."""
    return payload_model(type, version).model_validate(data)
