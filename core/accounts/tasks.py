"""Celery tasks of accounts: mails that must not hold up the request that caused them."""

from __future__ import annotations

from celery import shared_task

from accounts.services.selfservice import member_invitation_send
from jobs.base import ReliableTask
from tenancy.context import tenant_context
from tenancy.selectors import tenant_by_id


@shared_task(base=ReliableTask, name="accounts.tasks.invitation_email", ignore_result=True)
def invitation_email(tenant_id: int, membership_id: int, new_user: bool) -> bool:
    """Retried with back-off while the mail server is down (ReliableTask)."""
    tenant = tenant_by_id(tenant_id=tenant_id)
    if tenant is None:
        return False
    with tenant_context(tenant.id):
        return member_invitation_send(tenant=tenant, membership_id=membership_id, new_user=new_user)
