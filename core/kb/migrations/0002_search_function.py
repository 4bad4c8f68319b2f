"""The knowledge base search function (see kb/search.py for why it is SECURITY DEFINER)."""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION kb_search(
    p_query text,
    p_websearch boolean,
    p_locale text,
    p_config text,
    p_fallback_locale text,
    p_fallback_config text,
    p_visibilities text[],
    p_limit integer,
    p_snippets boolean
) RETURNS TABLE (translation_id bigint, article_id bigint, locale text, rank real, snippet text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $fn$
#variable_conflict use_column
DECLARE
    -- The tenant comes only from the transaction's own setting, never from a parameter,
    -- so a caller cannot ask for another tenant's rows. No setting: no rows.
    v_tenant bigint := nullif(current_setting('app.tenant_id', true), '')::bigint;
    v_query tsquery;
    v_fallback_query tsquery;
BEGIN
    IF v_tenant IS NULL OR coalesce(p_query, '') = '' THEN
        RETURN;
    END IF;
    IF p_websearch THEN
        v_query := websearch_to_tsquery(p_config::regconfig, p_query);
        v_fallback_query := websearch_to_tsquery(p_fallback_config::regconfig, p_query);
    ELSE
        v_query := to_tsquery(p_config::regconfig, p_query);
        v_fallback_query := to_tsquery(p_fallback_config::regconfig, p_query);
    END IF;
    IF numnode(v_query) = 0 AND numnode(v_fallback_query) = 0 THEN
        RETURN;  -- only stop words
    END IF;
    RETURN QUERY
    SELECT r.id, r.article_id, r.locale::text, r.rank,
           CASE WHEN p_snippets THEN
               ts_headline(r.search_config::regconfig, r.body_text, r.q,
                   'MaxFragments=2, MaxWords=24, MinWords=8, FragmentDelimiter=" … ", '
                   || 'StartSel=' || chr(2) || ', StopSel=' || chr(3))
           ELSE '' END
    FROM (
        SELECT t.id, t.article_id, t.locale, t.search_config, t.body_text, m.q,
               ts_rank_cd(t.search_vector, m.q, 1) AS rank
        FROM kb_articletranslation t
        CROSS JOIN LATERAL (
            SELECT CASE WHEN t.locale = p_locale THEN v_query ELSE v_fallback_query END AS q
        ) m
        JOIN kb_article a ON a.tenant_id = t.tenant_id AND a.id = t.article_id
        WHERE t.tenant_id = v_tenant
          AND a.tenant_id = v_tenant
          AND ((t.locale = p_locale AND t.search_vector @@ v_query)
               OR (t.locale = p_fallback_locale AND t.search_vector @@ v_fallback_query
                   AND NOT EXISTS (
                       SELECT 1 FROM kb_articletranslation own
                       WHERE own.tenant_id = v_tenant AND own.article_id = t.article_id
                         AND own.locale = p_locale)))
          AND a.status = 'published'
          AND a.visibility = ANY (p_visibilities)
        ORDER BY rank DESC, t.article_id
        LIMIT p_limit
    ) r
    ORDER BY r.rank DESC, r.article_id;
END
$fn$;
"""

DROP = """
DROP FUNCTION IF EXISTS kb_search(text, boolean, text, text, text, text, text[], integer, boolean);
"""


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
