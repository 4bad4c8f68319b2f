"""webhooks_due_deliveries(): pending deliveries that are due, across tenants (ids only).

SECURITY DEFINER like events_pending_tenants: the retry sweep learns (tenant, id)
pairs and nothing else, then works on each delivery inside its tenant's context.
A never-tried delivery is only picked after 30 s (its own kick normally sends it).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION webhooks_due_deliveries(max_rows integer)
RETURNS TABLE (tenant_id bigint, delivery_id bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    previous text := coalesce(current_setting('app.cross_tenant', true), '');
BEGIN
    PERFORM set_config('app.cross_tenant', 'on', true);
    RETURN QUERY
        SELECT d.tenant_id, d.id FROM webhooks_webhookdelivery d
        WHERE d.status = 'pending'
          AND coalesce(d.next_attempt_at, d.created_at + interval '30 seconds') <= now()
        ORDER BY d.id
        LIMIT max_rows;
    PERFORM set_config('app.cross_tenant', previous, true);
END $$;
REVOKE ALL ON FUNCTION webhooks_due_deliveries(integer) FROM PUBLIC;
"""

DROP = "DROP FUNCTION IF EXISTS webhooks_due_deliveries(integer);"


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
