"""events_pending_tenants(): which tenants have unpublished events (ids only).

SECURITY DEFINER so the relay can find work without a cross-tenant context; it
reveals tenant ids and nothing else, and the relay then reads each tenant's rows
inside that tenant's own context. It sets app.cross_tenant only for its own query
(the owner may itself be subject to FORCE ROW LEVEL SECURITY) and restores it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION events_pending_tenants(max_tenants integer)
RETURNS TABLE (tenant_id bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    previous text := coalesce(current_setting('app.cross_tenant', true), '');
BEGIN
    PERFORM set_config('app.cross_tenant', 'on', true);
    RETURN QUERY
        SELECT DISTINCT o.tenant_id FROM events_outboxevent o
        WHERE o.published_at IS NULL AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= now())
        LIMIT max_tenants;
    PERFORM set_config('app.cross_tenant', previous, true);
END $$;
REVOKE ALL ON FUNCTION events_pending_tenants(integer) FROM PUBLIC;
"""

DROP = "DROP FUNCTION IF EXISTS events_pending_tenants(integer);"


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
