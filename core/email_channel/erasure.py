"""The mail copies of erased or purged tickets: the raw originals received and the mails sent
lose their addresses, subjects and text when privacy erases a person or the retention rule
purges tickets (the events name the tickets). The rows stay, so threading by Message-ID and
the delivery record keep working; a mail not sent yet is dropped.
tenant-queries: allowed (the email channel's own mail records, written only here and in
inbound/outbound).
"""

from __future__ import annotations

from django.db import transaction

from email_channel.models import InboundEmail, OutboundEmail
from tenancy.models import Tenant

ERASED_ADDRESS = "erased@erased.invalid"


@transaction.atomic
def mail_copies_erase(*, tenant: Tenant, ticket_ids: list[int]) -> int:
    if not ticket_ids:
        return 0
    inbound = InboundEmail.objects.filter(tenant=tenant, ticket_id__in=ticket_ids).update(
        from_address=ERASED_ADDRESS, subject="", raw=b"", body_text=""
    )
    mails = OutboundEmail.objects.filter(tenant=tenant, ticket_id__in=ticket_ids)
    # Not sent yet: it would now go to someone who asked to be forgotten, so it is not sent.
    unsent, _ = mails.filter(status=OutboundEmail.Status.PENDING).delete()
    sent = mails.exclude(status=OutboundEmail.Status.PENDING).update(
        to_address=ERASED_ADDRESS, subject="", body_text="", body_html=""
    )
    return inbound + unsent + sent
