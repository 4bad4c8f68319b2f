"""Inbound mail into tickets: take in one raw message from any transport (the SMTP receiver,
the IMAP poller, the inbound API).

In order: size limit, parse, find the tenant from the recipient, refuse auto-replies and
bounces, dedupe by Message-ID, refuse our own Message-IDs coming back (loops), rate-limit
per sender, find the thread (In-Reply-To/References against stored Message-IDs, then a
signed reply token in the address or subject), find or create the sender as a customer,
then continue or open the ticket through the tickets app's channel service. Anything
refused is quarantined with its reason; nothing is dropped silently.
tenant-queries: allowed (the intake's own records: Message-IDs, stored and quarantined mail).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.selectors import membership_for_user, user_by_email
from accounts.services.members import membership_set
from accounts.services.users import user_create
from email_channel import addresses
from email_channel.mailboxes import is_own_address, own_addresses
from email_channel.models import InboundEmail, KnownMessageId, QuarantinedEmail
from email_channel.parsing import ParsedEmail, auto_reply_reason, parse_message
from tenancy.context import tenant_context
from tenancy.models import Membership, Role, Tenant
from tenancy.selectors import tenant_by_slug
from tickets.models import Channel
from tickets.services.channel import ticket_open_from_channel, ticket_reply_from_channel
from tickets.services.results import ReplyAdded, TicketCreated


@dataclass
class IngestResult:
    status: str  # "created", "continued" or "quarantined"
    reason: str = ""
    ticket_id: int | None = None
    inbound_id: int | None = None


def _quarantine(
    raw: bytes,
    reason: str,
    detail: str = "",
    *,
    tenant_id: int | None = None,
    parsed: ParsedEmail | None = None,
    mail_from: str = "",
    rcpt_to: list[str] | None = None,
) -> IngestResult:
    with transaction.atomic():
        QuarantinedEmail.objects.create(
            about_tenant_id=tenant_id,
            reason=reason,
            detail=detail[:500],
            mail_from=mail_from[:300],
            rcpt_to=",".join(rcpt_to or [])[:1000],
            message_id=(parsed.message_id if parsed else "")[:300],
            subject=(parsed.subject if parsed else "")[:300],
            raw=raw,
        )
    return IngestResult("quarantined", reason)


def _find_tenant(recipients: list[str]) -> Tenant | None:
    for address in recipients:
        slug = addresses.slug_for_recipient(address)
        if slug:
            tenant = tenant_by_slug(slug=slug)
            if tenant is not None:
                return tenant
    return None


def _thread(tenant: Tenant, parsed: ParsedEmail, recipients: list[str]) -> int | None:
    ids = [*parsed.in_reply_to, *reversed(parsed.references)]
    if ids:
        hit = (
            KnownMessageId.objects.filter(tenant=tenant, message_id__in=ids, ticket_id__isnull=False)
            .order_by("-id")
            .values_list("ticket_id", flat=True)
            .first()
        )
        if hit is not None:
            return int(hit)
    return addresses.ticket_from_token(tenant.id, " ".join([*recipients, parsed.subject]))


def _customer_for(tenant: Tenant, address: str, name: str) -> Membership:
    user = user_by_email(email=address) or user_create(email=address, password=None, full_name=name[:150])
    membership = membership_for_user(tenant=tenant, user=user)
    return membership or membership_set(tenant=tenant, user=user, role=Role.CUSTOMER)


def _rate_limited(tenant: Tenant, sender: str) -> bool:
    key = f"email-in:{tenant.id}:{sender}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:
        return False
    return count > settings.FRONTLINE_EMAIL_MAX_PER_SENDER_PER_HOUR


def email_ingest(
    *,
    raw: bytes,
    mail_from: str | None = None,
    rcpt_to: list[str] | None = None,
    tenant: Tenant | None = None,
) -> IngestResult:
    """Take in one raw message; see the module docstring for the order of checks.

    `tenant` is given when the mailbox already says whose mail it is (IMAP polling);
    otherwise the recipient address names the tenant (SMTP receiver, inbound API).
    """
    rcpt = [r.lower() for r in (rcpt_to or [])]
    if len(raw) > settings.FRONTLINE_EMAIL_MAX_BYTES:
        return _quarantine(
            raw, "too_large", f"{len(raw)} bytes", mail_from=mail_from or "", rcpt_to=rcpt,
            tenant_id=tenant.id if tenant else None,
        )  # fmt: skip
    try:
        parsed = parse_message(raw)
    except Exception as exc:  # the email package raises many kinds on hostile input
        return _quarantine(
            raw, "unparseable", f"{type(exc).__name__}: {exc}", mail_from=mail_from or "", rcpt_to=rcpt,
            tenant_id=tenant.id if tenant else None,
        )  # fmt: skip
    recipients = rcpt or [*parsed.to, *parsed.cc]
    common: dict[str, Any] = {"parsed": parsed, "mail_from": mail_from or "", "rcpt_to": recipients}
    tenant = tenant or _find_tenant(recipients)
    if tenant is None:
        return _quarantine(raw, "unknown_recipient", ", ".join(recipients), **common)
    if not parsed.from_address or "@" not in parsed.from_address:
        return _quarantine(raw, "no_sender", tenant_id=tenant.id, **common)
    reason = auto_reply_reason(parsed, mail_from)
    if reason:
        return _quarantine(raw, reason, tenant_id=tenant.id, **common)
    with tenant_context(tenant.id):
        own = own_addresses(tenant=tenant)
        if is_own_address(tenant, parsed.from_address, own):
            return _quarantine(raw, "loop_own_address", parsed.from_address, tenant_id=tenant.id, **common)
        if parsed.message_id:
            known = KnownMessageId.objects.filter(tenant=tenant, message_id=parsed.message_id).first()
            if known is not None:
                why = (
                    "duplicate" if known.direction == KnownMessageId.Direction.INBOUND else "loop_own_message"
                )
                return _quarantine(raw, why, parsed.message_id, tenant_id=tenant.id, **common)
        if _rate_limited(tenant, parsed.from_address):
            return _quarantine(raw, "rate_limited", parsed.from_address, tenant_id=tenant.id, **common)
        try:
            return _store(raw, tenant, parsed, recipients, own)
        except _ConcurrentDuplicateError:
            return _quarantine(raw, "duplicate", parsed.message_id, tenant_id=tenant.id, **common)
        except (ValidationError, PermissionDenied) as exc:
            # Ticketing refused it (e.g. a field it will not take): kept for an operator, not
            # retried for ever by the sender or the poller.
            return _quarantine(raw, "refused_by_ticketing", str(exc), tenant_id=tenant.id, **common)


class _ConcurrentDuplicateError(Exception):
    """The same Message-ID was stored meanwhile (SMTP retry and IMAP poll at once)."""


@transaction.atomic
def _store(
    raw: bytes, tenant: Tenant, parsed: ParsedEmail, recipients: list[str], own: set[str]
) -> IngestResult:
    """One transaction: the Message-ID claim, the sender, the ticket or reply, followers,
    attachments and the stored original; so a crash leaves nothing half done to dedupe against."""
    if parsed.message_id:
        try:
            with transaction.atomic():
                known = KnownMessageId.objects.create(
                    tenant=tenant,
                    message_id=parsed.message_id[:300],
                    direction=KnownMessageId.Direction.INBOUND,
                )
        except IntegrityError as exc:
            raise _ConcurrentDuplicateError from exc
    author = _customer_for(tenant, parsed.from_address, parsed.from_name)
    body_text = parsed.new_text or parsed.text
    cc = [a for a in dict.fromkeys(parsed.cc) if a != parsed.from_address and not _is_ours(tenant, a, own)]
    # CC'd people become customers of the tenant (like senders) and follow the ticket.
    follower_ids = [_customer_for(tenant, a, "").id for a in cc]
    files = [(a.filename, a.data) for a in parsed.attachments]
    ticket_id = _thread(tenant, parsed, recipients)
    result: ReplyAdded | TicketCreated | None = None
    if ticket_id is not None:
        result = ticket_reply_from_channel(
            tenant=tenant,
            ticket_id=ticket_id,
            author=author,
            channel=Channel.EMAIL,
            body_text=body_text,
            follower_ids=follower_ids,
            files=files,
        )
    created = result is None
    if result is None:
        result = ticket_open_from_channel(
            tenant=tenant,
            requester=author,
            channel=Channel.EMAIL,
            subject=parsed.subject,
            body_text=body_text,
            body_html=parsed.html if not parsed.new_text or parsed.new_text == parsed.text else "",
            follower_ids=follower_ids,
            files=files,
        )
    inbound = InboundEmail.objects.create(
        tenant=tenant,
        message_id=parsed.message_id[:300],
        from_address=parsed.from_address[:300],
        subject=parsed.subject,
        raw=raw,
        body_text=body_text,
        ticket_id=result.ticket.id,
        created_ticket=created,
        attachments_refused=list(result.refused_files),
    )
    if parsed.message_id:
        known.ticket_id = result.ticket.id
        known.save(update_fields=["ticket_id"])
    return IngestResult(
        "created" if created else "continued", ticket_id=result.ticket.id, inbound_id=inbound.id
    )


def _is_ours(tenant: Tenant, address: str, own: set[str]) -> bool:
    return is_own_address(tenant, address, own) or addresses.slug_for_recipient(address) is not None
