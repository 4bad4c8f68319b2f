"""Outbox subscriber: a published article is embedded for semantic suggest, in a worker."""

from __future__ import annotations

from django.db import transaction

from contracts.events import EventEnvelope
from events.idempotency import first_time


def handle(event: EventEnvelope) -> None:
    if event.type != "kb.article_published" or event.subject_id is None:
        return
    if not first_time("kb-embed", event):
        return
    from kb.tasks import embed_article

    tenant_id, article_id = event.tenant_id, event.subject_id
    # robust: if the broker is down, the backfill beat embeds the article later.
    transaction.on_commit(lambda: embed_article.apply_async(args=(tenant_id, article_id)), robust=True)
