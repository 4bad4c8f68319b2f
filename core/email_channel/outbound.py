"""Queue and send outbound mail through Django's email backend, threaded per ticket.
tenant-queries: allowed (the outbound mail outbox is written only here and in services).
"""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from email_channel.models import KnownMessageId, OutboundEmail
from jobs import enqueue_on_commit, task_name
from tenancy.context import tenant_context

SEND_EMAIL = task_name("email_channel.tasks.send_email")


def send_now(*, tenant_id: int, email_id: int) -> bool:
    """Send one queued email unless it was sent already. True when this call sent it.

    The row is locked while the backend sends, so two workers cannot both send it; the
    status commits with the lock's transaction right after the backend returns.
    """
    with tenant_context(tenant_id):
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(tenant_id=tenant_id, id=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return False
        headers = {"Message-ID": email.message_id}
        if email.in_reply_to:
            headers["In-Reply-To"] = email.in_reply_to
        if email.references:
            headers["References"] = email.references
        headers["Auto-Submitted"] = (
            "auto-generated" if email.dedupe_key.startswith("digest:") else "auto-replied"
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
        message.send(fail_silently=False)
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.save(update_fields=["status", "sent_at"])
        if email.ticket_id is not None:
            KnownMessageId.objects.get_or_create(
                tenant_id=tenant_id,
                message_id=email.message_id,
                defaults={"ticket_id": email.ticket_id, "direction": KnownMessageId.Direction.OUTBOUND},
            )
    return True


def enqueue_after_commit(tenant_id: int, email_id: int) -> None:
    enqueue_on_commit(SEND_EMAIL, tenant_id=tenant_id, email_id=email_id)
