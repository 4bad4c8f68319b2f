"""sla_due_tenants(now, max): which tenants have an SLA warning or breach due (ids only).

SECURITY DEFINER, like events_pending_tenants: the sweep finds work without a
cross-tenant context, through the platform partial indexes on warn_at and due_at,
then reads each tenant's clocks inside that tenant's own context.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION sla_due_tenants(at timestamptz, max_tenants integer)
RETURNS TABLE (tenant_id bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    previous text := coalesce(current_setting('app.cross_tenant', true), '');
BEGIN
    PERFORM set_config('app.cross_tenant', 'on', true);
    RETURN QUERY
        SELECT DISTINCT due.tenant_id FROM (
            (SELECT c.tenant_id FROM sla_slaclock c
              WHERE c.running_since IS NOT NULL AND c.warning_sent_at IS NULL AND c.warn_at <= at
              ORDER BY c.warn_at LIMIT 10000)
            UNION ALL
            (SELECT c.tenant_id FROM sla_slaclock c
              WHERE c.running_since IS NOT NULL AND c.breached_at IS NULL AND c.due_at <= at
              ORDER BY c.due_at LIMIT 10000)
        ) due
        LIMIT max_tenants;
    PERFORM set_config('app.cross_tenant', previous, true);
END $$;
REVOKE ALL ON FUNCTION sla_due_tenants(timestamptz, integer) FROM PUBLIC;
"""

DROP = "DROP FUNCTION IF EXISTS sla_due_tenants(timestamptz, integer);"


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
