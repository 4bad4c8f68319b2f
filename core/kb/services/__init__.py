"""Writes to the knowledge base, one module per concern; import them from here."""

from kb.services.articles import (
    MAX_TAGS,
    article_create,
    article_draft_from_text,
    article_embeddings_store,
    article_set_status,
    article_translation_save,
    article_update,
    article_version_restore,
    attachment_create,
    free_slug,
    search_index_rebuild,
)
from kb.services.engagement import (
    article_view_record,
    article_vote_record,
    deflection_mark_submitted,
    deflection_open,
)
from kb.services.taxonomy import (
    category_create,
    category_update,
    kb_locales_set,
    section_create,
    section_update,
)

__all__ = [
    "MAX_TAGS",
    "article_create",
    "article_draft_from_text",
    "article_embeddings_store",
    "article_set_status",
    "article_translation_save",
    "article_update",
    "article_version_restore",
    "article_view_record",
    "article_vote_record",
    "attachment_create",
    "category_create",
    "category_update",
    "deflection_mark_submitted",
    "deflection_open",
    "free_slug",
    "kb_locales_set",
    "search_index_rebuild",
    "section_create",
    "section_update",
]
