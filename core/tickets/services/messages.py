"""Adding messages to a ticket: public replies and internal notes, with their status effects."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from contracts.events import Visibility
from tenancy.models import Membership, Tenant
from tickets.models import Channel, Message, MessageArticle, StatusCategory, Ticket
from tickets.sanitize import clean_html, prepare_body
from tickets.services.article_links import LinkedArticle, articles_to_link
from tickets.services.attachments import attachments_bind
from tickets.services.common import emit_ticket_event, record_changes, status_key
from tickets.services.search_index import index_message

EVENT_TEXT_CHARS = 2000


def _with_article_links(safe_html: str, text: str, linked: list[LinkedArticle]) -> tuple[str, str]:
    """The body with a "Related articles" list appended (HTML and the plain-text twin)."""
    items = "".join(f'<li><a href="{escape(a.url)}">{escape(a.title)}</a></li>' for a in linked)
    links_html = f'<p class="related-articles">Related articles:</p><ul>{items}</ul>'
    links_text = "Related articles:\n" + "\n".join(f"- {a.title}: {a.url}" for a in linked)
    return clean_html(safe_html + links_html), f"{text}\n\n{links_text}".strip()


def _event_text(text: str, linked: list[LinkedArticle]) -> str:
    """The event's (and so the email's) text: at most 2000 characters, the article links kept."""
    if len(text) <= EVENT_TEXT_CHARS or not linked:
        return text[:EVENT_TEXT_CHARS]
    tail = text[text.rindex("Related articles:\n") :]
    keep = max(0, EVENT_TEXT_CHARS - len(tail) - 3)
    return (text[:keep] + "…\n\n" + tail)[:EVENT_TEXT_CHARS]


@transaction.atomic
def message_add(
    *,
    tenant: Tenant,
    ticket: Ticket,
    author: Membership | None,
    body_html: str | None = None,
    body_text: str | None = None,
    internal: bool = False,
    channel: str = Channel.API,
    attachment_ids: list[int] | None = None,
    article_ids: list[int] | None = None,
) -> Message:
    """A reply or note. The requester's reply reopens a solved or pending ticket; a staff
    reply opens a new one and sets the first response time.

    `article_ids` (staff only): knowledge base articles to link, stored as links and appended
    to the body as links to their portal pages, so the customer sees them in the portal and
    in the email alike."""
    staff = author is not None and author.is_staff_role
    # author None is the system (a rule's internal note); customers may not write notes.
    if internal and author is not None and not staff:
        raise PermissionDenied("Only staff can add internal notes.")
    if channel not in Channel.values:
        raise ValidationError({"channel": f"Use one of {', '.join(Channel.values)}."})
    safe_html, text = prepare_body(body_html=body_html, body_text=body_text)
    linked = articles_to_link(tenant=tenant, author=author, article_ids=article_ids, internal=internal)
    if linked:
        safe_html, text = _with_article_links(safe_html, text, linked)
    if not text and not attachment_ids:
        raise ValidationError({"body": "A message needs a body (body_text or body_html) or attachments."})
    # The search vectors stay in the database: `save()` below then leaves them alone instead
    # of writing back kilobytes that `index_message` extends in SQL anyway.
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("custom_status")
        .defer("search_vector", "internal_search_vector")
        .get(tenant=tenant, id=ticket.id)
    )
    if locked.status == StatusCategory.CLOSED and not internal:
        raise ValidationError({"ticket": "This ticket is closed; open a new ticket to follow up."})
    message = Message.objects.create(
        tenant=tenant,
        ticket=locked,
        author=author,
        is_internal=internal,
        channel=channel,
        body_html=safe_html,
        body_text=text,
    )
    MessageArticle.objects.bulk_create(
        [
            MessageArticle(
                tenant=tenant, message=message, article_id=a.id, title=a.title[:300], url=a.url, position=n
            )
            for n, a in enumerate(linked)
        ]
    )
    if attachment_ids:
        attachments_bind(tenant=tenant, ticket=locked, message=message, uploader=author, ids=attachment_ids)

    old_status = status_key(locked)
    if not internal:
        if author is not None and author.id == locked.requester_id and not staff:
            if locked.status in (StatusCategory.SOLVED, StatusCategory.PENDING, StatusCategory.ON_HOLD):
                locked.status, locked.custom_status, locked.solved_at = StatusCategory.OPEN, None, None
        elif staff:
            if locked.first_response_at is None:
                locked.first_response_at = timezone.now()
            if locked.status == StatusCategory.NEW:
                locked.status, locked.custom_status = StatusCategory.OPEN, None
    locked.save()  # also moves updated_at
    index_message(tenant=tenant, ticket=locked, text=text, internal=internal)

    message_change: dict[str, object] = {"id": message.id, "internal": internal}
    if linked:
        message_change["article_ids"] = [a.id for a in linked]
    changes: dict[str, tuple] = {"message": (None, message_change)}
    if status_key(locked) != old_status:
        changes["status"] = (old_status, status_key(locked))
    record_changes(ticket=locked, actor=author, via=channel, changes=changes)
    emit_ticket_event(
        ticket=locked,
        type="message.added",
        actor=author,
        via=channel,
        visibility=Visibility.INTERNAL if internal else Visibility.PUBLIC,
        message_id=message.id,
        is_internal=internal,
        author_membership_id=author.id if author else None,
        channel=channel,
        body_text=_event_text(text, linked),
    )
    if "status" in changes:
        emit_ticket_event(
            ticket=locked,
            type="ticket.status_changed",
            actor=author,
            via=channel,
            visibility=Visibility.PUBLIC,
            previous_status=old_status,
            new_status=status_key(locked),
        )
    ticket.status, ticket.updated_at = locked.status, locked.updated_at
    return message
