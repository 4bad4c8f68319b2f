"""Turn ticketing models into response dicts; the customer shape leaves agent-only data out."""

from __future__ import annotations

from typing import Any

from tenancy.models import Membership
from tickets.models import Attachment, Message, MessageArticle, Ticket, TicketChange, TicketLink
from tickets.selectors.detail_rows import ArticleRow, AttachmentRow, LinkRow, MessageRow
from tickets.selectors.ticket_rows import TicketRow


def person(member: Membership | None) -> dict[str, Any] | None:
    if member is None:
        return None
    return {"id": member.id, "name": member.user.full_name or member.user.email, "email": member.user.email}


def ticket_dict(
    ticket: Ticket | TicketRow, *, staff: bool, hidden_fields: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """A model (detail, writes) or a list row: the same shape from both."""
    data: dict[str, Any] = {
        "id": ticket.id,
        "number": ticket.number,
        "display_number": f"#{ticket.number}",
        "subject": ticket.subject,
        "status": ticket.status_key,
        "status_category": ticket.status,
        "priority": ticket.priority,
        "type": ticket.type,
        "channel": ticket.channel,
        "requester": ticket.requester if isinstance(ticket, TicketRow) else person(ticket.requester),
        "custom_fields": {k: v for k, v in ticket.custom_fields.items() if k not in hidden_fields},
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "solved_at": ticket.solved_at,
        "closed_at": ticket.closed_at,
        "merged_into_id": ticket.merged_into_id,
    }
    if not staff:
        return data
    data.update(
        category=ticket.category,
        assignee=ticket.assignee if isinstance(ticket, TicketRow) else person(ticket.assignee),
        team_id=ticket.team_id,
        tags=ticket.tags,
        due_at=ticket.due_at,
        first_response_at=ticket.first_response_at,
        ai={
            "category": ticket.ai_category,
            "category_confidence": ticket.ai_category_confidence,
            "priority": ticket.ai_priority,
            "priority_confidence": ticket.ai_priority_confidence,
            "sentiment": ticket.ai_sentiment,
            "sentiment_confidence": ticket.ai_sentiment_confidence,
            "language": ticket.ai_language,
            "language_confidence": ticket.ai_language_confidence,
            "model_version": ticket.ai_model_version,
        },
    )
    return data


def attachment_dict(attachment: Attachment | AttachmentRow) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "message_id": attachment.message_id,
        "created_at": attachment.created_at,
        "download_url": f"/api/v1/attachments/{attachment.id}/download",
    }


def message_dict(
    message: Message | MessageRow,
    attachments: list[Attachment] | list[AttachmentRow] | None = None,
    articles: list[MessageArticle] | list[ArticleRow] | None = None,
) -> dict[str, Any]:
    """A message; a `MessageRow` needs its attachments and articles given (a model's are
    read from its prefetched relations when not given)."""
    if isinstance(message, MessageRow):
        author = message.author
        attachments, articles = attachments or [], articles or []
    else:
        author = person(message.author)
        attachments = list(message.attachments.all()) if attachments is None else attachments
        articles = list(message.article_links.all()) if articles is None else articles
    return {
        "id": message.id,
        "ticket_id": message.ticket_id,
        "author": author,
        "is_internal": message.is_internal,
        "channel": message.channel,
        "body_html": message.body_html,
        "body_text": message.body_text,
        "created_at": message.created_at,
        "attachments": [attachment_dict(a) for a in attachments],
        "articles": [{"article_id": a.article_id, "title": a.title, "url": a.url} for a in articles],
    }


def link_dict(link: TicketLink | LinkRow) -> dict[str, Any]:
    numbers = (
        (link.source_number, link.target_number)
        if isinstance(link, LinkRow)
        else (link.source.number, link.target.number)
    )
    return {
        "id": link.id,
        "kind": link.kind,
        "source_id": link.source_id,
        "source_number": numbers[0],
        "target_id": link.target_id,
        "target_number": numbers[1],
    }


def change_dict(change: TicketChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "field": change.field,
        "old": change.old,
        "new": change.new,
        "via": change.via,
        "actor": person(change.actor),
        "created_at": change.created_at,
    }
