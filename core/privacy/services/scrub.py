"""The in-place scrubbing erasure and retention share: message text replaced, identifiers removed,
attachments deleted (rows now, files once the transaction commits), CSAT comments cleared,
free-text custom fields emptied, search vectors rebuilt. Statistics columns are never touched."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from django.core.files.storage import default_storage
from django.db import transaction

from csat.models import CsatSurvey
from tenancy.models import Tenant
from tickets.models import Attachment, CustomFieldDefinition, FieldType, Message, Ticket
from tickets.services.search_index import reindex_ticket

logger = logging.getLogger(__name__)

ERASED = "[erased]"
ERASED_HTML = "<p>[erased]</p>"
# Shorter identifiers ("Al") would also match inside ordinary words.
MIN_IDENTIFIER_CHARS = 3


def messages_replace(*, tenant: Tenant, messages: Iterable[int], text: str = ERASED) -> int:
    """Replace the whole text of these messages with a marker (free text cannot be scrubbed of
    personal data reliably: a name, an address or an account number can be anywhere in it)."""
    ids = list(messages)
    if not ids:
        return 0
    return Message.objects.filter(tenant=tenant, id__in=ids).update(
        body_text=text, body_html=f"<p>{text}</p>"
    )


def identifiers_pattern(identifiers: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for a person's name, its parts and email address."""
    words = {i.strip() for i in identifiers if i and len(i.strip()) >= MIN_IDENTIFIER_CHARS}
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def messages_scrub(*, tenant: Tenant, ticket_ids: list[int], pattern: re.Pattern[str] | None) -> int:
    """Remove the person's identifiers from the other messages of their tickets (an agent's
    "Hi Carol"), keeping the rest of the text."""
    if pattern is None or not ticket_ids:
        return 0
    changed: list[Message] = []
    for message in Message.objects.filter(tenant=tenant, ticket_id__in=ticket_ids).only(
        "id", "body_text", "body_html"
    ):
        text, html = pattern.sub(ERASED, message.body_text), pattern.sub(ERASED, message.body_html)
        if text != message.body_text or html != message.body_html:
            message.body_text, message.body_html = text, html
            changed.append(message)
    Message.objects.bulk_update(changed, ["body_text", "body_html"], batch_size=500)
    return len(changed)


def attachments_delete(*, tenant: Tenant, attachment_ids: Iterable[int]) -> int:
    """Delete the rows now and the stored files once the transaction commits: a rollback keeps both."""
    rows = list(
        Attachment.objects.filter(tenant=tenant, id__in=list(attachment_ids)).values_list("id", "file")
    )
    if not rows:
        return 0
    Attachment.objects.filter(tenant=tenant, id__in=[row[0] for row in rows]).delete()
    names = [row[1] for row in rows if row[1]]
    transaction.on_commit(lambda: _delete_files(names), robust=True)
    return len(rows)


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # the row is gone; an orphan file is only disk space
            logger.warning("Could not delete attachment file %s", name, exc_info=True)


def csat_comments_clear(*, tenant: Tenant, ticket_ids: list[int]) -> int:
    """The comments go; the ratings (and so the CSAT score) stay."""
    return (
        CsatSurvey.objects.filter(tenant=tenant, ticket_id__in=ticket_ids)
        .exclude(comment="")
        .update(comment="")
    )


def tickets_scrub(*, tenant: Tenant, ticket_ids: list[int], subject: str) -> int:
    """Replace the subjects, empty free-text custom fields (dropdowns, numbers and dates stay:
    reports slice by them), and rebuild the search vectors from what is left."""
    text_keys = list(
        CustomFieldDefinition.objects.filter(tenant=tenant, field_type=FieldType.TEXT).values_list(
            "key", flat=True
        )
    )
    tickets = list(
        Ticket.objects.filter(tenant=tenant, id__in=ticket_ids).only("id", "subject", "custom_fields")
    )
    for ticket in tickets:
        ticket.subject = subject
        ticket.custom_fields = {k: v for k, v in (ticket.custom_fields or {}).items() if k not in text_keys}
    Ticket.objects.bulk_update(tickets, ["subject", "custom_fields"], batch_size=500)
    for ticket in tickets:
        reindex_ticket(tenant=tenant, ticket=ticket)
    return len(tickets)
