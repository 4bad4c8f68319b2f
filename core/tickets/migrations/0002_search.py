"""Search: pg_trgm and btree_gin, (tenant_id, vector) GIN indexes, and the tenant-bound search function.

Row-level security only lets leakproof operators run ahead of its policy; `@@` and
trigram operators are not leakproof, so the app role's own queries cannot use these
indexes. `tickets_search()` runs as its owner (SECURITY DEFINER; the owner is exempt
from RLS as superuser or BYPASSRLS) and therefore filters on the tenant itself: it
takes it from `app.tenant_id`, which only the request's transaction sets, never from
an argument. Without that setting it returns nothing.
"""

from django.contrib.postgres.operations import BtreeGinExtension, TrigramExtension
from django.db import migrations

SEARCH_FUNCTION = r"""
CREATE OR REPLACE FUNCTION tickets_search(
    q text, cfg regconfig, customer_id bigint, include_internal boolean, fuzzy boolean, max_rows integer
) RETURNS TABLE (ticket_id bigint, rank real)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $fn$
DECLARE
    tid bigint := nullif(current_setting('app.tenant_id', true), '')::bigint;
    visible text := CASE WHEN customer_id IS NULL THEN 'true' ELSE
        '(t.requester_id = $3 OR EXISTS (SELECT 1 FROM tickets_ticketfollower f
           WHERE f.tenant_id = $1 AND f.ticket_id = t.id AND f.membership_id = $3))' END;
BEGIN
    IF tid IS NULL OR q IS NULL OR length(q) = 0 THEN
        RETURN;
    END IF;
    max_rows := least(greatest(max_rows, 1), 1000);
    IF NOT fuzzy THEN
        -- EXECUTE plans each call with the real values: the tenant's GIN entries only.
        -- Only the newest 2,000 matches are ranked: a term in half of a big tenant's
        -- tickets would otherwise cost a rank computation per match.
        RETURN QUERY EXECUTE format($q$
            SELECT m.id, (ts_rank_cd(coalesce(m.search_vector, ''), m.query)
                          + CASE WHEN $4 THEN 0.5 * ts_rank_cd(coalesce(m.internal_search_vector, ''), m.query)
                                 ELSE 0 END)::real AS rank
            FROM (
                SELECT t.id, t.search_vector, t.internal_search_vector, query
                FROM tickets_ticket t, websearch_to_tsquery($2, $5) AS query
                WHERE t.tenant_id = $1
                  AND (t.search_vector @@ query %s)
                  AND %s
                ORDER BY t.id DESC
                LIMIT 2000
            ) m
            ORDER BY rank DESC, m.id DESC
            LIMIT $6 $q$,
            CASE WHEN include_internal
                 THEN 'OR (t.tenant_id = $1 AND t.internal_search_vector @@ query)' ELSE '' END,
            visible)
        USING tid, cfg, customer_id, include_internal, q, max_rows;
    ELSE
        -- Typos and fragments: trigram word similarity on the subject.
        RETURN QUERY EXECUTE format($q$
            SELECT t.id, word_similarity($5, t.subject)::real AS rank
            FROM tickets_ticket t
            WHERE t.tenant_id = $1 AND $5 <%% t.subject AND %s
            ORDER BY rank DESC, t.id DESC
            LIMIT $6 $q$, visible)
        USING tid, cfg, customer_id, include_internal, q, max_rows;
    END IF;
END
$fn$;
"""


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [
        TrigramExtension(),
        BtreeGinExtension(),
        migrations.RunSQL(
            # fastupdate off: otherwise an unlucky insert merges the whole pending list (seconds)
            # while holding the tenant's numbering lock, and every concurrent create waits.
            "CREATE INDEX ticket_search_idx ON tickets_ticket USING gin (tenant_id, search_vector) "
            "WITH (fastupdate = off);"
            "CREATE INDEX ticket_internal_search_idx ON tickets_ticket USING gin (tenant_id, internal_search_vector) "
            "WITH (fastupdate = off);"
            "CREATE INDEX ticket_subject_trgm_idx ON tickets_ticket USING gin (tenant_id, subject gin_trgm_ops) "
            "WITH (fastupdate = off);",
            "DROP INDEX ticket_search_idx; DROP INDEX ticket_internal_search_idx; DROP INDEX ticket_subject_trgm_idx;",
        ),
        migrations.RunSQL(
            SEARCH_FUNCTION,
            "DROP FUNCTION tickets_search(text, regconfig, bigint, boolean, boolean, integer);",
        ),
        # Only the app role (granted by tenancy.security after migrate) calls it, not PUBLIC.
        migrations.RunSQL(
            "REVOKE ALL ON FUNCTION tickets_search(text, regconfig, bigint, boolean, boolean, integer) FROM PUBLIC;",
            migrations.RunSQL.noop,
        ),
    ]
