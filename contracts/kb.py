"""Payloads of knowledge base events (the `data` of an EventEnvelope)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

ARTICLE_PUBLISHED = "kb.article_published"


class ArticlePublished(BaseModel):
    """An article became visible to its readers (version 1). Sent as an internal event:
    agents-only articles must not reach customers' streams."""

    model_config = ConfigDict(frozen=True)

    article_id: int
    slug: str
    visibility: str
    locales: list[str]
