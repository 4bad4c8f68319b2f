"""The knowledge base search function (see kb/search.py for why it is SECURITY DEFINER)."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION kb_search(
    p_query text,
    p_query_all text,
    p_websearch boolean,
    p_locale text,
    p_config text,
    p_fallback_locale text,
    p_fallback_config text,
    p_visibilities text[],
    p_limit integer,
    p_snippets boolean
) RETURNS TABLE (
    translation_id bigint, article_id bigint, locale text, rank real, snippet text, title text, slug text
)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $fn$
#variable_conflict use_column
DECLARE
    -- The tenant comes only from the transaction's own setting, never from a parameter,
    -- so a caller cannot ask for another tenant's rows. No setting: no rows.
    v_tenant bigint := nullif(current_setting('app.tenant_id', true), '')::bigint;
    -- q: ranks (and, for search, must match); q_all: what a body must contain to be a
    -- candidate (search: the same query; suggest: every word, while q has any word).
    v_q tsquery;
    v_q_all tsquery;
    v_fq tsquery;
    v_fq_all tsquery;
BEGIN
    IF v_tenant IS NULL OR coalesce(p_query, '') = '' THEN
        RETURN;
    END IF;
    IF p_websearch THEN
        v_q := websearch_to_tsquery(p_config::regconfig, p_query);
        v_fq := websearch_to_tsquery(p_fallback_config::regconfig, p_query);
        v_q_all := v_q;
        v_fq_all := v_fq;
    ELSE
        v_q := to_tsquery(p_config::regconfig, p_query);
        v_fq := to_tsquery(p_fallback_config::regconfig, p_query);
        v_q_all := to_tsquery(p_config::regconfig, p_query_all);
        v_fq_all := to_tsquery(p_fallback_config::regconfig, p_query_all);
    END IF;
    IF numnode(v_q) = 0 AND numnode(v_fq) = 0 THEN
        RETURN;  -- only stop words
    END IF;
    -- Ranking every match costs time in proportion to the matches (a common word can
    -- match most articles), so rank a bounded candidate set: the best title matches
    -- (narrow rows of kb_articlesearchentry, cheap to read and rank) plus body matches
    -- that contain every word, then rank those hundred by the whole article. The
    -- LATERAL ... OFFSET 0 keeps the entry check a per-row index probe (a hash join
    -- would read every entry of the tenant).
    RETURN QUERY
    WITH candidates AS (
        (SELECT e.translation_id AS id
         FROM kb_articlesearchentry e
         WHERE e.tenant_id = v_tenant
           AND ((e.locale = p_locale AND e.title_vector @@ v_q)
                OR (e.locale = p_fallback_locale AND e.title_vector @@ v_fq))
           AND e.status = 'published' AND e.visibility = ANY (p_visibilities)
         ORDER BY ts_rank(e.title_vector, CASE WHEN e.locale = p_locale THEN v_q ELSE v_fq END) DESC
         LIMIT 40)
        UNION
        (SELECT t.id
         FROM kb_articletranslation t
         CROSS JOIN LATERAL (
             SELECT 1 FROM kb_articlesearchentry e
             WHERE e.tenant_id = v_tenant AND e.translation_id = t.id
               AND e.status = 'published' AND e.visibility = ANY (p_visibilities)
             OFFSET 0) e
         WHERE t.tenant_id = v_tenant
           AND ((t.locale = p_locale AND t.search_vector @@ v_q_all)
                OR (t.locale = p_fallback_locale AND t.search_vector @@ v_fq_all))
         LIMIT 60)
    )
    SELECT r.id, r.article_id, r.locale::text, r.rank,
           CASE WHEN p_snippets THEN
               ts_headline(r.search_config::regconfig, r.body_text, r.q,
                   'MaxFragments=2, MaxWords=24, MinWords=8, FragmentDelimiter=" … ", '
                   || 'StartSel=' || chr(2) || ', StopSel=' || chr(3))
           ELSE '' END,
           r.title::text, a.slug::text
    FROM (
        SELECT t.id, t.article_id, t.locale, t.search_config, t.body_text, t.title, m.q,
               ts_rank_cd(t.search_vector, m.q, 1)::real AS rank
        FROM candidates c
        JOIN kb_articletranslation t ON t.tenant_id = v_tenant AND t.id = c.id
        CROSS JOIN LATERAL (
            SELECT CASE WHEN t.locale = p_locale THEN v_q ELSE v_fq END AS q
        ) m
        WHERE (NOT p_websearch OR t.search_vector @@ m.q)
          AND (t.locale = p_locale OR NOT EXISTS (
                SELECT 1 FROM kb_articletranslation own
                WHERE own.tenant_id = v_tenant AND own.article_id = t.article_id
                  AND own.locale = p_locale))
        ORDER BY rank DESC, t.article_id
        LIMIT p_limit
    ) r
    JOIN kb_article a ON a.tenant_id = v_tenant AND a.id = r.article_id
    ORDER BY r.rank DESC, r.article_id;
END
$fn$;
"""

DROP = """
DROP FUNCTION IF EXISTS kb_search(text, text, boolean, text, text, text, text, text[], integer, boolean);
"""


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
