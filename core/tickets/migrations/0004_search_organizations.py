"""Search: a customer also finds their organization's tickets when the tenant allows it.

Same signature as before (CREATE OR REPLACE keeps the grants). The function reads the
customer's organization and the tenant's `customers_see_organization_tickets` setting
itself, within the tenant of `app.tenant_id`, so no argument can widen what a customer finds.
"""

import importlib

from django.db import migrations

PREVIOUS_FUNCTION = importlib.import_module("tickets.migrations.0002_search").SEARCH_FUNCTION

SEARCH_FUNCTION = r"""
CREATE OR REPLACE FUNCTION tickets_search(
    q text, cfg regconfig, customer_id bigint, include_internal boolean, fuzzy boolean, max_rows integer
) RETURNS TABLE (ticket_id bigint, rank real)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $fn$
DECLARE
    tid bigint := nullif(current_setting('app.tenant_id', true), '')::bigint;
    org bigint;
    visible text := CASE WHEN customer_id IS NULL THEN 'true' ELSE
        '(t.requester_id = $3 OR EXISTS (SELECT 1 FROM tickets_ticketfollower f
           WHERE f.tenant_id = $1 AND f.ticket_id = t.id AND f.membership_id = $3)
          OR ($7 IS NOT NULL AND t.requester_id IN (SELECT om.id FROM tenancy_membership om
           WHERE om.tenant_id = $1 AND om.organization_id = $7)))' END;
BEGIN
    IF tid IS NULL OR q IS NULL OR length(q) = 0 THEN
        RETURN;
    END IF;
    IF customer_id IS NOT NULL THEN
        -- The customer's organization, only where the tenant shares its tickets with it.
        SELECT cm.organization_id INTO org
        FROM tenancy_membership cm JOIN tenancy_tenant tt ON tt.id = cm.tenant_id
        WHERE cm.tenant_id = tid AND cm.id = customer_id AND cm.role = 'customer'
          AND coalesce(tt.settings -> 'customers_see_organization_tickets' = 'true'::jsonb, false);
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
        USING tid, cfg, customer_id, include_internal, q, max_rows, org;
    ELSE
        -- Typos and fragments: trigram word similarity on the subject.
        RETURN QUERY EXECUTE format($q$
            SELECT t.id, word_similarity($5, t.subject)::real AS rank
            FROM tickets_ticket t
            WHERE t.tenant_id = $1 AND $5 <%% t.subject AND %s
            ORDER BY rank DESC, t.id DESC
            LIMIT $6 $q$, visible)
        USING tid, cfg, customer_id, include_internal, q, max_rows, org;
    END IF;
END
$fn$;
"""


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_message_article"), ("tenancy", "0002_organizations")]

    operations = [migrations.RunSQL(SEARCH_FUNCTION, PREVIOUS_FUNCTION)]
