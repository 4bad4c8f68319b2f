"""Outbox subscriber: a published article is embedded for semantic suggest, in a worker."""

from __future__ import annotations

from contracts.events import EventEnvelope
from events.registry import has_subject, subscribes
from jobs import enqueue_on_commit, task_name

EMBED_ARTICLE = task_name("kb.tasks.embed_article")


@subscribes("kb.article_published", name="kb-embed", order=80, when=[has_subject], once=True)
def handle(event: EventEnvelope) -> None:
    """Queue the article's embedding."""
    # If the broker is down after commit, the backfill beat embeds the article later.
    enqueue_on_commit(EMBED_ARTICLE, tenant_id=event.tenant_id, article_id=event.subject_id)
