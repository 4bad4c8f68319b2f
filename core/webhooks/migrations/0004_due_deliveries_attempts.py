"""webhooks_due_deliveries() also returns each delivery's attempt count, so the retry sweep
can key its re-queue marker by attempt: the marker of attempt N must not hold back the retry
scheduled for attempt N+1. A function's result columns cannot be replaced in place, so it
is dropped and created again (still SECURITY DEFINER, still ids and counts only).
"""

from importlib import import_module

from django.db import migrations

PREVIOUS = import_module("webhooks.migrations.0002_due_deliveries_function")

CREATE = """
DROP FUNCTION IF EXISTS webhooks_due_deliveries(integer);
CREATE FUNCTION webhooks_due_deliveries(max_rows integer)
RETURNS TABLE (tenant_id bigint, delivery_id bigint, attempts integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    previous text := coalesce(current_setting('app.cross_tenant', true), '');
BEGIN
    PERFORM set_config('app.cross_tenant', 'on', true);
    RETURN QUERY
        SELECT d.tenant_id, d.id, d.attempts::integer FROM webhooks_webhookdelivery d
        WHERE d.status = 'pending'
          AND coalesce(d.next_attempt_at, d.created_at + interval '30 seconds') <= now()
        ORDER BY d.id
        LIMIT max_rows;
    PERFORM set_config('app.cross_tenant', previous, true);
END $$;
REVOKE ALL ON FUNCTION webhooks_due_deliveries(integer) FROM PUBLIC;
"""


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0003_tenant_foreign_keys")]

    operations = [migrations.RunSQL(CREATE, PREVIOUS.DROP + PREVIOUS.CREATE)]
