"""Create notifications for an event (in-app and email), mark them read, send digests."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import Context, Engine
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contracts.events import Actor, EventEnvelope, Visibility
from contracts.payloads import EVENT_TYPES, validate_payload
from email_channel.outbound import outbound_email_queue
from events.services import event_record
from notifications import audience, selectors
from notifications import templates_default as defaults
from notifications.models import Channel, Mode, Notification, NotificationPreference
from tenancy.models import STAFF_ROLES, Membership, Tenant
from tenancy.selectors import tenant_base_url

_engine = Engine(autoescape=True)
_text_engine = Engine(autoescape=False)


def ticket_url_for(tenant: Tenant, member: Membership, ticket_id: Any) -> str:
    """The ticket's page in the portal area the recipient uses (agents' workspace or customers')."""
    area = "agent" if member.role in STAFF_ROLES else "portal"
    return f"{tenant_base_url(tenant)}/{area}/tickets/{ticket_id or ''}"


def render_email(*, tenant: Tenant, event_type: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) from the tenant's template for this event type, or the default."""
    custom = selectors.template_for(tenant_id=tenant.id, event_type=event_type)
    subject_src = custom.subject if custom else defaults.SUBJECT
    text_src = custom.body_text if custom else defaults.TEXT
    html_src = (custom.body_html if custom else defaults.HTML) or ""
    ctx = {"tenant": tenant, "branding": tenant.settings.get("branding", {}), **context}
    subject = " ".join(_text_engine.from_string(subject_src).render(Context(ctx, autoescape=False)).split())
    text = _text_engine.from_string(text_src).render(Context(ctx, autoescape=False))
    html = _engine.from_string(html_src).render(Context(ctx)) if html_src else ""
    return subject[:300], text, html


def _mode(prefs: dict[tuple[int, str], str], member_id: int, channel: str) -> str:
    return prefs.get((member_id, channel), Mode.IMMEDIATE)


def notify_for_event(*, tenant: Tenant, event: EventEnvelope) -> list[Notification]:
    """Runs in the relay's tenant transaction; idempotent per (member, event)."""
    payload = validate_payload(event.type, event.version, event.data)
    data = payload.model_dump(mode="json")
    pool = (
        selectors.staff_pool(tenant_id=tenant.id, team_id=data.get("team_id"))
        if audience.wants_staff_pool(event, payload)
        else []
    )
    members = selectors.memberships_by_id(
        tenant_id=tenant.id,
        ids=[
            i
            for i in [
                data.get("assignee_membership_id"),
                data.get("requester_membership_id"),
                *data.get("follower_membership_ids", []),
                *pool,
            ]
            if i
        ],
    )
    staff_ids = {m.id for m in members.values() if m.role in STAFF_ROLES}
    candidate_ids = audience.recipients(event, staff_ids=staff_ids, pool_ids=pool)
    acting_user = event.actor.id if event.actor.kind == "user" else None
    recipients = [members[i] for i in candidate_ids if i in members and members[i].user_id != acting_user]
    if not recipients:
        return []
    return _deliver_to_each(
        tenant=tenant, recipients=recipients, event_id=event.id, kind=event.type, data=data
    )


def _deliver_to_each(
    *, tenant: Tenant, recipients: list[Membership], event_id: uuid.UUID, kind: str, data: dict[str, Any]
) -> list[Notification]:
    """Deliver one notification of `kind` to each recipient per their preferences (one query for
    all preferences); returns those created (a repeat of `event_id` creates none)."""
    prefs = selectors.preferences_for(
        tenant_id=tenant.id, membership_ids=[m.id for m in recipients], event_type=kind
    )
    title = defaults.title_for(kind, data)
    created = []
    for member in recipients:
        notification = _deliver(
            tenant=tenant, member=member, event_id=event_id, kind=kind, title=title, data=data, prefs=prefs
        )
        if notification is not None:
            created.append(notification)
    return created


def _deliver(
    *,
    tenant: Tenant,
    member: Membership,
    event_id: uuid.UUID,
    kind: str,
    title: str,
    data: dict[str, Any],
    prefs: dict[tuple[int, str], str],
) -> Notification | None:
    """One member's notification, in-app and by email as their preferences for `kind` say;
    None if it was delivered before (same member and event id)."""
    in_app = _mode(prefs, member.id, Channel.IN_APP) != Mode.OFF
    email_mode = _mode(prefs, member.id, Channel.EMAIL)
    notification, is_new = Notification.objects.get_or_create(
        tenant=tenant,
        recipient=member,
        event_id=event_id,
        defaults={
            "kind": kind,
            "title": title,
            "body": data.get("body_text", "")[:2000],
            "ticket_id": data.get("ticket_id"),
            "digest_pending": email_mode == Mode.DIGEST,
            # Read already when the member turned in-app off: the row still dedupes email.
            "read_at": None if in_app else timezone.now(),
        },
    )
    if not is_new:
        return None
    if in_app:
        event_record(
            tenant_id=tenant.id,
            type="notification.created",
            data={
                "notification_id": notification.id,
                "recipient_membership_id": member.id,
                "kind": kind,
                "title": title,
                "ticket_id": data.get("ticket_id"),
            },
            actor=Actor(kind="system"),
            visibility=Visibility.INTERNAL if member.role in STAFF_ROLES else Visibility.PUBLIC,
            subject_id=data.get("ticket_id"),
        )
    if email_mode == Mode.IMMEDIATE and member.user.email:
        # The mail speaks the recipient's language; the stored title stays the default wording.
        with translation.override(member.user.mail_language):
            subject, text, html = _render_for(tenant=tenant, member=member, kind=kind, data=data)
        outbound_email_queue(
            tenant=tenant,
            dedupe_key=f"notify:{event_id}:{member.id}",
            to_address=member.user.email,
            subject=subject,
            body_text=text,
            body_html=html,
            ticket_id=data.get("ticket_id"),
            # A customer answering this mail continues the ticket (reply token + threading).
            reply_to_ticket=member.role not in STAFF_ROLES,
        )
    return notification


def _render_for(
    *, tenant: Tenant, member: Membership, kind: str, data: dict[str, Any]
) -> tuple[str, str, str]:
    return render_email(
        tenant=tenant,
        event_type=kind,
        context={
            "title": defaults.title_for(kind, data),
            "data": data,
            "recipient": member,
            "ticket_url": ticket_url_for(tenant, member, data.get("ticket_id")),
            "open_ticket": _("Open ticket #%(number)s") % {"number": data.get("number", "")},
        },
    )


def notify_members(
    *,
    tenant: Tenant,
    membership_ids: list[int],
    team_id: int | None,
    key: uuid.UUID,
    data: dict[str, Any],
) -> list[Notification]:
    """A notification a rule asked for (the `notify` action) to listed members and a team's
    members, staff only, through the same in-app and email paths and preferences (kind
    `rule.notify`). `key` makes it idempotent: sending again notifies no one twice."""
    ids = set(membership_ids)
    if team_id is not None:
        ids.update(selectors.team_staff(tenant_id=tenant.id, team_id=team_id) or [])
    members = selectors.memberships_by_id(tenant_id=tenant.id, ids=sorted(ids))
    recipients = [m for _, m in sorted(members.items()) if m.role in STAFF_ROLES]
    return _deliver_to_each(
        tenant=tenant, recipients=recipients, event_id=key, kind=defaults.RULE_NOTIFY, data=data
    )


@transaction.atomic
def notification_mark_read(*, tenant: Tenant, membership: Membership, notification_id: int) -> bool:
    updated = Notification.objects.filter(
        tenant=tenant, recipient=membership, id=notification_id, read_at__isnull=True
    ).update(read_at=timezone.now())
    exists = (
        updated
        or Notification.objects.filter(tenant=tenant, recipient=membership, id=notification_id).exists()
    )
    return bool(exists)


@transaction.atomic
def notification_mark_all_read(*, tenant: Tenant, membership: Membership) -> int:
    return Notification.objects.filter(tenant=tenant, recipient=membership, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preference_set(
    *, tenant: Tenant, membership: Membership, event_type: str, channel: str, mode: str
) -> NotificationPreference:
    if event_type not in EVENT_TYPES and event_type != defaults.RULE_NOTIFY:
        raise ValidationError({"event_type": "Unknown event type."})
    if channel not in Channel.values or mode not in Mode.values:
        raise ValidationError({"channel": "Unknown channel or mode."})
    if channel == Channel.IN_APP and mode == Mode.DIGEST:
        raise ValidationError({"mode": "Digests are for email only."})
    pref, _ = NotificationPreference.objects.update_or_create(
        tenant=tenant, membership=membership, event_type=event_type, channel=channel, defaults={"mode": mode}
    )
    return pref


def digests_send(*, tenant: Tenant) -> int:
    """One email per member with pending digest notifications; clears the flag in the same step."""
    sent = 0
    for member_id, items in selectors.digest_due(tenant_id=tenant.id).items():
        member = items[0].recipient
        ctx = {"notifications": items, "count": len(items)}
        engine_ctx = {"tenant": tenant, **ctx}
        subject = _text_engine.from_string(defaults.DIGEST_SUBJECT).render(
            Context(engine_ctx, autoescape=False)
        )
        text = _text_engine.from_string(defaults.DIGEST_TEXT).render(Context(engine_ctx, autoescape=False))
        html = _engine.from_string(defaults.DIGEST_HTML).render(Context(engine_ctx))
        outbound_email_queue(
            tenant=tenant,
            dedupe_key=f"digest:{member_id}:{items[-1].id}",
            to_address=member.user.email,
            subject=subject.strip(),
            body_text=text,
            body_html=html,
            ticket_id=None,
        )
        Notification.objects.filter(tenant=tenant, id__in=[n.id for n in items]).update(digest_pending=False)
        sent += 1
    return sent
