"""Email channel services: queue outbound mail, and take in one raw inbound message.

Inbound, in order: size limit, parse, find the tenant from the recipient, refuse
auto-replies and bounces, dedupe by Message-ID, refuse our own Message-IDs coming
back (loops), rate-limit per sender, find the thread (In-Reply-To/References against
stored Message-IDs, then a signed reply token in the address or subject), find or
create the sender as a customer, then continue or open the ticket. Anything refused
is quarantined with its reason; nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.member_selectors import membership_for_user
from accounts.member_services import membership_set
from accounts.selectors import user_by_email
from accounts.services import user_create
from email_channel import addresses, outbound, ticketing
from email_channel.mailboxes import is_own_address, own_addresses
from email_channel.models import InboundEmail, KnownMessageId, OutboundEmail, QuarantinedEmail
from email_channel.parsing import ParsedEmail, auto_reply_reason, parse_message
from tenancy.context import tenant_context
from tenancy.models import Membership, Role, Tenant
from tenancy.selectors import tenant_by_slug


def _from_address(tenant: Tenant) -> str:
    custom = tenant.settings.get("email", {}).get("from_address")
    return custom or f"{tenant.name} <{addresses.support_address(tenant.slug)}>"


def outbound_email_queue(
    *,
    tenant: Tenant,
    dedupe_key: str,
    to_address: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    ticket_id: int | None = None,
    reply_to_ticket: bool = False,
) -> OutboundEmail | None:
    """Queue one email (sent after commit); None if this dedupe key was queued before.

    Mail about a ticket threads: In-Reply-To/References name the ticket's known
    Message-IDs, and a customer's copy carries the signed reply token in Reply-To and
    subject, so answering it continues the ticket.
    """
    if OutboundEmail.objects.filter(tenant=tenant, dedupe_key=dedupe_key).exists():
        return None
    in_reply_to, references = "", ""
    reply_to = ""
    if ticket_id is not None:
        known = list(
            KnownMessageId.objects.filter(tenant=tenant, ticket_id=ticket_id)
            .order_by("id")
            .values_list("message_id", flat=True)[:20]
        )
        if known:
            in_reply_to, references = known[-1], " ".join(known)
        if reply_to_ticket:
            reply_to = addresses.reply_address(tenant.slug, tenant.id, ticket_id)
            tag = addresses.subject_tag(tenant.id, ticket_id)
            subject = subject if tag in subject else f"{subject} {tag}"
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                tenant=tenant,
                dedupe_key=dedupe_key,
                to_address=to_address,
                from_address=_from_address(tenant),
                reply_to=reply_to,
                subject=subject[:300],
                body_text=body_text,
                body_html=body_html,
                message_id=addresses.new_message_id(tenant.slug),
                in_reply_to=in_reply_to,
                references=references,
                ticket_id=ticket_id,
            )
    except IntegrityError:
        return None
    outbound.enqueue_after_commit(tenant.id, email.id)
    return email


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
        except ticketing.TicketingUnavailableError as exc:
            return _quarantine(raw, "ticketing_unavailable", str(exc), tenant_id=tenant.id, **common)
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
    ticket_id = _thread(tenant, parsed, recipients)
    ref = None
    if ticket_id is not None:
        ref = ticketing.continue_ticket(
            tenant=tenant, ticket_id=ticket_id, author=author, body_text=body_text, body_html=""
        )
    created = ref is None
    if ref is None:
        ref = ticketing.open_ticket(
            tenant=tenant,
            requester=author,
            subject=parsed.subject,
            body_text=body_text,
            body_html=parsed.html if not parsed.new_text or parsed.new_text == parsed.text else "",
        )
    cc = [a for a in dict.fromkeys(parsed.cc) if a != parsed.from_address and not _is_ours(tenant, a, own)]
    if cc:  # CC'd people become customers of the tenant (like senders) and follow the ticket
        ticketing.add_followers(
            tenant=tenant, ticket_id=ref.id, members=[_customer_for(tenant, a, "") for a in cc]
        )
    refused = ticketing.add_attachments(
        tenant=tenant, ref=ref, uploader=author, files=[(a.filename, a.data) for a in parsed.attachments]
    ) if parsed.attachments else []  # fmt: skip
    inbound = InboundEmail.objects.create(
        tenant=tenant,
        message_id=parsed.message_id[:300],
        from_address=parsed.from_address[:300],
        subject=parsed.subject,
        raw=raw,
        body_text=body_text,
        ticket_id=ref.id,
        created_ticket=created,
        attachments_refused=refused,
    )
    if parsed.message_id:
        known.ticket_id = ref.id
        known.save(update_fields=["ticket_id"])
    return IngestResult("created" if created else "continued", ticket_id=ref.id, inbound_id=inbound.id)


def _is_ours(tenant: Tenant, address: str, own: set[str]) -> bool:
    return is_own_address(tenant, address, own) or addresses.slug_for_recipient(address) is not None
