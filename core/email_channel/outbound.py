"""Outbound mail: queue it (threaded per ticket) and send it through Django's email backend.
tenant-queries: allowed (the outbound mail outbox is written only here).
"""

from __future__ import annotations

import logging
import time

from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, IntegrityError, InterfaceError, connection, transaction
from django.utils import timezone

from email_channel import addresses
from email_channel.models import KnownMessageId, OutboundEmail
from jobs import enqueue_on_commit, task_name
from tenancy.context import tenant_context
from tenancy.models import Tenant


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
    from_address: str = "",
) -> OutboundEmail | None:
    """Queue one email (sent after commit); None if this dedupe key was queued before.

    Every outgoing mail comes through here: the dedupe key names what the mail is for (an
    event, a survey, a reset request), so a retried task or redelivered event queues nothing
    new. `from_address` defaults to the tenant's support address.

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
                from_address=from_address or _from_address(tenant),
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
    enqueue_after_commit(tenant.id, email.id)
    return email


SEND_EMAIL = task_name("email_channel.tasks.send_email")
logger = logging.getLogger(__name__)

# Mail no one's message caused (RFC 3834 "auto-generated"); the rest answers a ticket's
# activity ("auto-replied"). Either way an auto-responder must not answer it.
GENERATED_KEY_PREFIXES = ("digest:", "csat:", "invite:", "reset:")


def send_now(*, tenant_id: int, email_id: int) -> bool:
    """Send one queued email unless it was sent already. True when this call sent it.

    The row is locked while the backend sends, so two workers cannot both send it; the
    status commits with the lock's transaction right after the backend returns. If the
    database goes away after the relay took the mail (a PostgreSQL restart), the mail is out:
    recording that is retried on a new connection rather than failing the task, whose retry
    would send it a second time.
    """
    relay_took_it: OutboundEmail | None = None  # the row, once the relay has taken its mail
    try:
        with tenant_context(tenant_id):
            email = (
                OutboundEmail.objects.select_for_update(skip_locked=True)
                .filter(tenant_id=tenant_id, id=email_id, status=OutboundEmail.Status.PENDING)
                .first()
            )
            if email is None:
                return False
            _message(email).send(fail_silently=False)
            relay_took_it = email
            _record_sent(tenant_id, email)
    except (DatabaseError, InterfaceError):  # InterfaceError: the connection was already gone
        if relay_took_it is None:
            raise
        logger.warning("mail %s was sent but the database went away; recording it again", email_id)
        _record_sent_when_back(tenant_id, relay_took_it)
    return True


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
    headers = {"Message-ID": email.message_id}
    if email.in_reply_to:
        headers["In-Reply-To"] = email.in_reply_to
    if email.references:
        headers["References"] = email.references
    headers["Auto-Submitted"] = (
        "auto-generated" if email.dedupe_key.startswith(GENERATED_KEY_PREFIXES) else "auto-replied"
    )
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=email.from_address,
        to=[email.to_address],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers=headers,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def _record_sent(tenant_id: int, email: OutboundEmail) -> None:
    email.status = OutboundEmail.Status.SENT
    email.sent_at = email.sent_at or timezone.now()
    email.save(update_fields=["status", "sent_at"])
    if email.ticket_id is not None:
        KnownMessageId.objects.get_or_create(
            tenant_id=tenant_id,
            message_id=email.message_id,
            defaults={"ticket_id": email.ticket_id, "direction": KnownMessageId.Direction.OUTBOUND},
        )


# How long a worker keeps trying to record a mail the relay took while the database is down.
RECORD_SENT_PATIENCE_SECONDS = 120.0


def _record_sent_when_back(tenant_id: int, email: OutboundEmail) -> None:
    deadline = time.monotonic() + RECORD_SENT_PATIENCE_SECONDS
    email.sent_at = timezone.now()
    while True:
        connection.close()  # the broken one; the next query opens a new one
        try:
            with tenant_context(tenant_id):
                _record_sent(tenant_id, email)
            return
        except (DatabaseError, InterfaceError):
            if time.monotonic() > deadline:
                raise  # the task's retry will send it again: the only way left not to lose it
            time.sleep(0.5)


def enqueue_after_commit(tenant_id: int, email_id: int) -> None:
    enqueue_on_commit(SEND_EMAIL, tenant_id=tenant_id, email_id=email_id)
