"""Search: a customer's candidates come from the tickets they see, not from every match.

A customer's visibility was one ORed condition checked on every match of the tenant: at 1M
tickets a customer with one ticket in the largest tenant (134k) waited 460 ms for
"password". Now each way they see tickets (requested, followed, their organization's where
shared) is its own indexed lookup, limited like the staff walk (newest 500 matches), and
the matches are drawn from their union. Same signature (CREATE OR REPLACE keeps the
grants); the tenant still comes from `app.tenant_id` only.
"""

import importlib

from django.db import migrations

PREVIOUS_FUNCTION = importlib.import_module("tickets.migrations.0006_search_recent_window").SEARCH_FUNCTION

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
    matches text;
    visible text;
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
    matches := CASE WHEN fuzzy THEN '$5 <% v.subject' ELSE 'v.search_vector @@ websearch_to_tsquery($2, $5)' END;
    -- A customer's candidates: the newest 500 matches of each way they see tickets, each
    -- an indexed lookup of its own (ORed, no index serves them).
    visible := CASE WHEN customer_id IS NULL THEN 'true' ELSE format(
        't.id IN ((SELECT v.id FROM tickets_ticket v WHERE v.tenant_id = $1 AND v.requester_id = $3 AND %1$s
                   ORDER BY v.id DESC LIMIT 500)
                  UNION ALL (SELECT f.ticket_id FROM tickets_ticketfollower f
                             WHERE f.tenant_id = $1 AND f.membership_id = $3)
                  UNION ALL (SELECT v.id FROM tickets_ticket v
                             WHERE $7 IS NOT NULL AND v.tenant_id = $1 AND %1$s AND v.requester_id IN (
                                 SELECT om.id FROM tenancy_membership om
                                 WHERE om.tenant_id = $1 AND om.organization_id = $7)
                             ORDER BY v.id DESC LIMIT 500))', matches) END;
    IF NOT fuzzy THEN
        -- EXECUTE plans each call with the real values: the tenant's GIN entries only.
        -- Only the newest 500 matches are ranked: a term in a fifth of a big tenant's
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
                LIMIT 500
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
    dependencies = [("tickets", "0007_requester_queue_index")]

    operations = [migrations.RunSQL(SEARCH_FUNCTION, PREVIOUS_FUNCTION)]
