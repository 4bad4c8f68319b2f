"""Erasure of a person in one tenant: their data anonymised in place, in one transaction.

What goes: their name and email (the user row anonymised, or, when the person is also a member
of another tenant, this membership moved to an anonymous user so the other tenant keeps them),
the text of the messages they wrote (replaced with a marker), their identifiers inside the
other messages of their tickets, their tickets' subjects and free-text custom fields, every
attachment on their tickets or uploaded by them (rows and files), their CSAT comments,
notifications, follower links and API tokens; their sessions end (the membership is
deactivated, the anonymised user has no password). What stays: the tickets with their
statistics (status, priority, channel, team, tags, SLA clocks, times, CSAT ratings).

A second erasure of the same membership changes nothing and answers the first one's record.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services.users import audit_record
from accounts.session_registry import sessions_revoke
from contracts.events import Actor, Visibility
from events.services import event_record
from notifications.models import Notification, NotificationPreference
from privacy.models import Erasure
from privacy.selectors import erasure_for, open_assigned_count, other_tenant_memberships, requested_ticket_ids
from privacy.services.scrub import (
    ERASED,
    attachments_delete,
    csat_comments_clear,
    identifiers_pattern,
    messages_replace,
    messages_scrub,
    tickets_scrub,
)
from tenancy.models import AuditAction, Membership, Role, Tenant
from tickets.models import Attachment, Message, TicketFollower

ERASED_EMAIL_DOMAIN = "erased.invalid"  # RFC 2606: never a real mailbox


class ErasureRefusedError(Exception):
    """The person cannot be erased as they are; the message says what to do first (409)."""


@dataclass(frozen=True)
class ErasureResult:
    erasure: Erasure
    already: bool


def _refusal(*, actor: Membership, person: Membership, tenant: Tenant) -> str | None:
    if person.id == actor.id:
        return "You cannot erase yourself; ask another admin."
    if person.role == Role.OWNER:
        return "An owner cannot be erased. Make another member owner, change this member's role, then erase."
    if person.user.is_staff and other_tenant_memberships(user_id=person.user_id, tenant=tenant) == 0:
        return "This is a platform operator's account; an operator removes it."
    if person.role != Role.CUSTOMER:
        assigned = open_assigned_count(tenant=tenant, membership=person)
        if assigned:
            return (
                f"This staff member is the assignee of {assigned} ticket(s) that are not closed. "
                "Reassign them (ticket list, filter by assignee, bulk update), then erase."
            )
    return None


def _anonymise_identity(*, tenant: Tenant, person: Membership) -> int:
    """The user row loses name, email and password; or, if the user still belongs to another
    tenant, this membership moves to a new anonymous user. Returns the user id it points to now."""
    if other_tenant_memberships(user_id=person.user_id, tenant=tenant) == 0:
        user = person.user
        user.email = f"erased-{user.id}@{ERASED_EMAIL_DOMAIN}"
        user.full_name = ""
        user.is_active = False
        user.set_unusable_password()  # a session's auth hash no longer matches: it ends
        user.save(update_fields=["email", "full_name", "is_active", "password"])
        return int(user.id)
    stand_in = User(
        email=f"erased-m{person.id}-{secrets.token_hex(4)}@{ERASED_EMAIL_DOMAIN}",
        full_name="",
        is_active=False,
    )
    stand_in.set_unusable_password()
    stand_in.save()
    person.user = stand_in
    person.save(update_fields=["user"])
    return int(stand_in.id)


@transaction.atomic
def person_erase(
    *, tenant: Tenant, actor: Membership, person: Membership, request: HttpRequest | None = None
) -> ErasureResult:
    """Erase `person` (a membership of `tenant`, read by the caller) in one transaction: all of
    it commits, or none of it does. Raises ErasureRefusedError for staff who still own work."""
    person = Membership.objects.select_for_update().select_related("user").get(tenant=tenant, id=person.id)
    done = erasure_for(tenant=tenant, membership_id=person.id)
    if done is not None:
        return ErasureResult(done, already=True)
    refusal = _refusal(actor=actor, person=person, tenant=tenant)
    if refusal:
        raise ErasureRefusedError(refusal)

    user = person.user
    pattern = identifiers_pattern([user.full_name, *user.full_name.split(), user.email])
    tickets = requested_ticket_ids(tenant=tenant, membership=person)
    # A customer's every message is theirs to erase; a staff member's replies on other people's
    # tickets are the tenant's work record and stay (under an anonymous name).
    own_messages = Message.objects.filter(tenant=tenant, author=person)
    if person.role != Role.CUSTOMER:
        own_messages = own_messages.filter(ticket_id__in=tickets)
    own_ids = list(own_messages.values_list("id", flat=True))
    attachment_ids = Attachment.objects.filter(tenant=tenant, ticket_id__in=tickets).values_list(
        "id", flat=True
    )
    uploaded_ids = Attachment.objects.filter(tenant=tenant, uploaded_by=person).values_list("id", flat=True)

    counts = {
        "tickets": len(tickets),
        "messages_replaced": messages_replace(tenant=tenant, messages=own_ids),
        "messages_scrubbed": messages_scrub(tenant=tenant, ticket_ids=tickets, pattern=pattern),
        "attachments_deleted": attachments_delete(
            tenant=tenant, attachment_ids={*attachment_ids, *uploaded_ids}
        ),
        "csat_comments_cleared": csat_comments_clear(tenant=tenant, ticket_ids=tickets),
    }
    tickets_scrub(tenant=tenant, ticket_ids=tickets, subject=ERASED)
    counts["followers_removed"] = TicketFollower.objects.filter(tenant=tenant, membership=person).delete()[0]
    counts["notifications_deleted"] = Notification.objects.filter(tenant=tenant, recipient=person).delete()[0]
    NotificationPreference.objects.filter(tenant=tenant, membership=person).delete()
    counts["api_tokens_deleted"] = ApiToken.objects.filter(tenant=tenant, membership=person).delete()[0]

    user_id = _anonymise_identity(tenant=tenant, person=person)
    # The stored password no longer matches, which ends their browser sessions at the next
    # request; the registry also closes their open sockets now, once the erasure has committed.
    erased_user_id = int(user.pk)
    transaction.on_commit(
        lambda: sessions_revoke(user_id=erased_user_id, tenant_id=tenant.id, reason="person erased")
    )
    person.deactivated_at = person.deactivated_at or timezone.now()
    person.save(update_fields=["deactivated_at"])
    erasure = Erasure.objects.create(tenant=tenant, membership=person, erased_by=actor, counts=counts)
    # Ids and counts only: the audit log and the event must not keep what was just erased.
    audit_record(
        tenant_id=tenant.id,
        action=AuditAction.PRIVACY_ERASE,
        actor_id=actor.user_id,
        request=request,
        detail={"membership_id": person.id, "erasure_id": erasure.id, **counts},
    )
    event_record(
        tenant_id=tenant.id,
        type="privacy.person_erased",
        data={
            "membership_id": person.id,
            "user_id": user_id,
            "ticket_ids": tickets,
            "message_ids": own_ids,
            "attachments_deleted": counts["attachments_deleted"],
            "by_membership_id": actor.id,
        },
        actor=Actor(kind="user", id=actor.user_id, name="admin"),
        visibility=Visibility.INTERNAL,
        subject_id=person.id,
    )
    return ErasureResult(erasure, already=False)
