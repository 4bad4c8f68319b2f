"""Draft a knowledge base article from a solved ticket: its question and the agent's answer."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from kb import services
from kb.models import Article, ArticleStatus, BodyFormat
from tenancy.models import Membership, Tenant
from tickets.models import Channel, StatusCategory
from tickets.selectors.tickets import message_queryset, ticket_get
from tickets.services.common import record_changes

DONE = (StatusCategory.SOLVED, StatusCategory.CLOSED)


def article_draft_from_ticket(*, tenant: Tenant, author: Membership, ticket_id: int) -> Article:
    """A draft whose title is the subject and whose body is the question and the resolving reply.

    Only public messages are read, never internal notes: the question is the first public
    message, the answer the last public reply by staff. The article remembers its ticket and
    the ticket's history records the draft.
    """
    if not author.is_staff_role:
        raise PermissionDenied("Only agents create articles.")
    ticket = ticket_get(tenant=tenant, viewer=author, ticket_id=ticket_id)
    if ticket is None:
        raise Http404("Not Found")
    if ticket.status not in DONE:
        raise ValidationError(
            {
                "ticket": f"Ticket #{ticket.number} is {ticket.status}; draft an article from it "
                "once it is solved or closed."
            }
        )
    public = list(message_queryset(tenant=tenant, viewer=author, ticket=ticket).filter(is_internal=False))
    public.sort(key=lambda m: m.id)
    answers = [m for m in public if m.author is not None and m.author.is_staff_role]
    if not public or not answers:
        raise ValidationError(
            {"ticket": f"Ticket #{ticket.number} has no public agent reply to use as the answer."}
        )
    question, answer = public[0], answers[-1]
    body = f"<h2>Question</h2>\n{question.body_html}\n<h2>Answer</h2>\n{answer.body_html}"
    with transaction.atomic():
        article = services.article_create(
            tenant=tenant,
            author=author,
            title=ticket.subject[:300] or f"Ticket #{ticket.number}",
            body=body,
            body_format=BodyFormat.HTML,
            slug=services.free_slug(tenant=tenant, title=ticket.subject or f"ticket-{ticket.number}"),
            status=ArticleStatus.DRAFT,
            source_ticket_id=ticket.id,
        )
        record_changes(
            ticket=ticket,
            actor=author,
            via=Channel.AGENT,
            changes={
                "kb_article": (None, {"id": article.id, "slug": article.slug, "status": article.status})
            },
        )
    return article
