"""Full-text search of published articles through the `kb_search` SQL function.

Why a SECURITY DEFINER function: under row-level security PostgreSQL evaluates only
leakproof operators ahead of the tenant policy, and `@@` is not leakproof, so a
search as the app role cannot use the GIN index and scans every row of the tenant.
`kb_search` (migration 0002) runs as the owner, which bypasses RLS, and filters
on the tenant itself, taken from the same transaction-local `app.tenant_id`
setting the policy uses (never from a parameter), reaching the
`(tenant_id, search_vector)` btree_gin index directly. Without the setting it returns nothing.
The owner must be a superuser or have BYPASSRLS (the migrating role does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection

from kb.content import snippet_to_html
from kb.locales import search_config_for

MAX_QUERY_CHARS = 500
MAX_SUGGEST_WORDS = 12
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    translation_id: int
    article_id: int
    locale: str
    rank: float
    snippet_html: str
    title: str
    slug: str


def suggest_queries(text: str) -> tuple[str, str]:
    """to_tsquery strings for text being typed: (any word, every word); the last word a prefix.

    Built only from word characters, each quoted, so user text cannot inject tsquery syntax.
    """
    words = _WORD.findall(text[:MAX_QUERY_CHARS].lower())[-MAX_SUGGEST_WORDS:]
    words = [w for w in (w.replace("_", " ").strip() for w in words) if w and " " not in w]
    if not words:
        return "", ""
    terms = [f"'{w}'" for w in words[:-1]]
    # A prefix only once the word has a few letters; "a:*" would match half the corpus.
    last = words[-1]
    terms.append(f"'{last}':*" if len(last) >= 3 else f"'{last}'")
    return " | ".join(terms), " & ".join(terms)


def run_search(
    *,
    text: str,
    text_all: str,
    websearch: bool,
    locale: str,
    fallback_locale: str,
    visibilities: list[str],
    limit: int,
    snippets: bool,
) -> list[Hit]:
    """Ranked hits of the current tenant (the transaction's `app.tenant_id`), best first."""
    if websearch:
        text = text[:MAX_QUERY_CHARS]
    # A tsquery built by suggest_queries is never cut: its words were taken from at most
    # MAX_QUERY_CHARS of input, and cutting it could leave an unclosed quote (a syntax error).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT translation_id, article_id, locale, rank, snippet, title, slug "
            "FROM kb_search(%s, %s, %s, %s, %s, %s, %s, %s::text[], %s, %s)",
            [
                text,
                text_all,
                websearch,
                locale,
                search_config_for(locale),
                fallback_locale,
                search_config_for(fallback_locale),
                visibilities,
                limit,
                snippets,
            ],
        )
        rows = cursor.fetchall()
    hits: list[Hit] = []
    seen: set[int] = set()
    for translation_id, article_id, hit_locale, rank, snippet, title, slug in rows:
        if article_id in seen:
            continue
        seen.add(article_id)
        hits.append(
            Hit(
                translation_id,
                article_id,
                hit_locale,
                float(rank),
                snippet_to_html(snippet or ""),
                title,
                slug,
            )
        )
    return hits


# -- keeping the index current (called by kb.services in the writing transaction) ----------

# Title weighs more than body. Computed on write, not as a generated column,
# because the text->regconfig cast is not immutable.
SEARCH_VECTOR_SQL = (
    "setweight(to_tsvector(search_config::regconfig, title), 'A') || "
    "setweight(to_tsvector(search_config::regconfig, body_text), 'B')"
)
# Upsert the narrow search entries (kb.models.ArticleSearchEntry) from translations and articles.
_SYNC_ENTRIES_SQL = """
INSERT INTO kb_articlesearchentry
    (tenant_id, article_id, translation_id, locale, status, visibility, title_vector)
SELECT t.tenant_id, t.article_id, t.id, t.locale, a.status, a.visibility,
       setweight(to_tsvector(t.search_config::regconfig, t.title), 'A')
FROM kb_articletranslation t
JOIN kb_article a ON a.tenant_id = t.tenant_id AND a.id = t.article_id
WHERE t.tenant_id = %s AND {scope}
ON CONFLICT (tenant_id, translation_id) DO UPDATE SET
    locale = EXCLUDED.locale, status = EXCLUDED.status, visibility = EXCLUDED.visibility,
    title_vector = EXCLUDED.title_vector
"""
_SCOPES = {"translation": "t.id = %s", "article": "t.article_id = %s", "tenant": "%s IS NULL"}


def sync_index(*, tenant_id: int, scope: str, value: int | None) -> None:
    """Recompute search vectors and entries of one translation, one article or a whole tenant."""
    condition = _SCOPES[scope]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE kb_articletranslation t SET search_vector = {SEARCH_VECTOR_SQL} "  # noqa: S608  # constant SQL  # nosec B608
            f"WHERE t.tenant_id = %s AND {condition}",
            [tenant_id, value],
        )
        cursor.execute(_SYNC_ENTRIES_SQL.format(scope=condition), [tenant_id, value])
