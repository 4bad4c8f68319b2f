"""Outbox subscribers: the accounts mail (invitations, password resets) into the outbound mail
outbox. Accounts sits below the email channel, so it records what happened as an event and
writes the text; this turns each event into one queued mail, keyed by the event's id: a
redelivered event or a retried relay queues nothing new, a second request mails again.
"""

from __future__ import annotations

from django.conf import settings

from accounts.services.customer_signup import customer_signup_mail
from accounts.services.selfservice import AccountMail, member_invitation_mail, password_reset_mail
from accounts.services.tenant_signup import tenant_signup_mail
from contracts.events import EventEnvelope
from email_channel.erasure import mail_copies_erase
from email_channel.outbound import outbound_email_queue
from events.registry import has_subject, subscribes
from tenancy.models import Tenant
from tenancy.selectors import tenant_pending_by_id


def _queue(tenant: Tenant, mail: AccountMail | None, dedupe_key: str) -> None:
    if mail is None:  # no one to tell any more (deactivated, or another tenant's id)
        return
    outbound_email_queue(
        tenant=tenant,
        dedupe_key=dedupe_key,
        to_address=mail.to_address,
        subject=mail.subject,
        body_text=mail.body_text,
        from_address=settings.DEFAULT_FROM_EMAIL,
    )


@subscribes("member.invited", name="invitation-email", order=90, when=[has_subject], once=True, tenant=True)
def on_member_invited(event: EventEnvelope, tenant: Tenant) -> None:
    """Queue the invitation email."""
    membership_id = event.data["membership_id"]
    mail = member_invitation_mail(
        tenant=tenant, membership_id=membership_id, new_user=bool(event.data.get("new_user"))
    )
    _queue(tenant, mail, f"invite:{membership_id}:{event.id}")


@subscribes(
    "member.password_reset_requested",
    name="password-reset-email",
    order=91,
    when=[has_subject],
    once=True,
    tenant=True,
)
def on_password_reset_requested(event: EventEnvelope, tenant: Tenant) -> None:
    """Queue the password reset email."""
    mail = password_reset_mail(tenant=tenant, membership_id=event.data["membership_id"])
    _queue(tenant, mail, f"reset:{event.data['user_id']}:{event.id}")


@subscribes("member.signup_requested", name="signup-email", order=94, once=True, tenant=True)
def on_signup_requested(event: EventEnvelope, tenant: Tenant) -> None:
    """Queue the customer sign-up mail (a confirmation link, or a reminder to sign in)."""
    mail = customer_signup_mail(tenant=tenant, signup_id=event.data["signup_id"])
    _queue(tenant, mail, f"signup:{event.data['signup_id']}:{event.id}")


@subscribes("tenant.signup_requested", name="tenant-signup-email", order=93, once=True)
def on_tenant_signup_requested(event: EventEnvelope) -> None:
    """Queue the confirmation mail of a self-serve desk sign-up. The desk is still pending, so
    this subscriber finds it itself (tenant-scoped subscribers only see active tenants)."""
    tenant = tenant_pending_by_id(tenant_id=event.tenant_id)
    if tenant is not None:
        _queue(tenant, tenant_signup_mail(tenant_id=tenant.id), f"tenant-signup:{event.id}")


@subscribes(
    "privacy.person_erased",
    "privacy.tickets_purged",
    name="email_channel.subscribers.on_privacy_erasure",
    order=92,
    once=True,
    tenant=True,
)
def on_privacy_erasure(event: EventEnvelope, tenant: Tenant) -> None:
    """Blank the received originals and sent mails of the erased or purged tickets."""
    mail_copies_erase(tenant=tenant, ticket_ids=[int(i) for i in event.data.get("ticket_ids", [])])
