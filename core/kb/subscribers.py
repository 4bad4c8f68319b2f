"""Outbox subscriber: a published article is embedded for semantic suggest, in a worker."""

from __future__ import annotations

from contracts.events import EventEnvelope
from events.idempotency import queue_once_after_commit


def handle(event: EventEnvelope) -> None:
    if event.type != "kb.article_published" or event.subject_id is None:
        return
    from kb.tasks import embed_article

    # If the broker is down after commit, the backfill beat embeds the article later.
    queue_once_after_commit("kb-embed", event, embed_article, (event.tenant_id, event.subject_id))
