"""privacy_other_memberships(user, tenant): how many memberships the user holds in other tenants.

Erasure in one tenant must not erase the person's identity in another (a user is global), but
row-level security hides other tenants' memberships. SECURITY DEFINER like the relay's
functions; it answers a count only, never which tenants.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION privacy_other_memberships(for_user bigint, except_tenant bigint)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    previous text := coalesce(current_setting('app.cross_tenant', true), '');
    found integer;
BEGIN
    PERFORM set_config('app.cross_tenant', 'on', true);
    SELECT count(*) INTO found FROM tenancy_membership m
    WHERE m.user_id = for_user AND m.tenant_id <> except_tenant;
    PERFORM set_config('app.cross_tenant', previous, true);
    RETURN found;
END $$;
REVOKE ALL ON FUNCTION privacy_other_memberships(bigint, bigint) FROM PUBLIC;
"""

DROP = "DROP FUNCTION IF EXISTS privacy_other_memberships(bigint, bigint);"


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
