"""Celery tasks of the knowledge base: article vectors for semantic suggest, from the AI service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from jobs.base import ReliableTask
from kb import selectors, services
from tenancy.context import tenant_context
from tenancy.selectors import active_tenant_ids, tenant_by_id
from triage.ai_client import AIClient, AIUnavailable

BATCH = 64
logger = logging.getLogger(__name__)


def embed_pending(*, tenant_id: int, article_id: int | None = None, limit: int = 256) -> int:
    """Embed the tenant's published translations whose vector is missing or stale; how many.

    Raises AIUnavailable while the AI service is down or has no model (callers retry later).
    """
    tenant = tenant_by_id(tenant_id=tenant_id)
    if tenant is None:
        return 0
    client = AIClient()
    done = 0
    with tenant_context(tenant.id):
        model = settings.KB_EMBEDDING_MODEL
        pending = selectors.translations_to_embed(
            tenant=tenant, model=model, article_id=article_id, limit=limit
        )
    for start in range(0, len(pending), BATCH):
        batch = pending[start : start + BATCH]
        used, vectors = client.embed(tenant_id=tenant_id, texts=[text for _, text, _ in batch])
        if used != model:
            logger.warning("AI service embeds with %s, settings expect %s", used, model)
        items = [(t, digest, vector) for (t, _, digest), vector in zip(batch, vectors, strict=True)]
        done += services.article_embeddings_store(tenant=tenant, model=used, items=items)
    return done


@shared_task(base=ReliableTask, name="kb.tasks.embed_article", ignore_result=True, max_retries=12)
def embed_article(tenant_id: int, article_id: int) -> int:
    """Vectors of one just-published article; retried with back-off while the AI service is down."""
    return embed_pending(tenant_id=tenant_id, article_id=article_id)


@shared_task(name="kb.tasks.embed_backfill", ignore_result=True)
def embed_backfill() -> int:
    """Catch up: articles edited since publishing, or published while the AI service was down."""
    total = 0
    for tenant_id in active_tenant_ids():
        try:
            total += embed_pending(tenant_id=tenant_id)
        except AIUnavailable:
            return total  # try again on the next beat
    return total
