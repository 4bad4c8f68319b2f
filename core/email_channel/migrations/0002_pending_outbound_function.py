"""email_pending_outbound(): queued emails whose send kick was lost, across tenants (ids only).

SECURITY DEFINER like events_pending_tenants; the sweep then sends each in its tenant's context.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION email_pending_outbound(max_rows integer)
RETURNS TABLE (tenant_id bigint, email_id bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    previous text := coalesce(current_setting('app.cross_tenant', true), '');
BEGIN
    PERFORM set_config('app.cross_tenant', 'on', true);
    RETURN QUERY
        SELECT e.tenant_id, e.id FROM email_channel_outboundemail e
        WHERE e.status = 'pending' AND e.created_at <= now() - interval '15 seconds'
        ORDER BY e.id LIMIT max_rows;
    PERFORM set_config('app.cross_tenant', previous, true);
END $$;
REVOKE ALL ON FUNCTION email_pending_outbound(integer) FROM PUBLIC;
"""

DROP = "DROP FUNCTION IF EXISTS email_pending_outbound(integer);"


class Migration(migrations.Migration):
    dependencies = [("email_channel", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
