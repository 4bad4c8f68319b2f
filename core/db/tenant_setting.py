"""The PostgreSQL settings row-level security reads: which tenant a transaction sees.

`tenancy.context` sets them (always with SET LOCAL); the policies of `tenancy.security`,
the hand-written SQL of the hot paths and the operations tools read their names here.
"""

TENANT_SETTING = "app.tenant_id"
CROSS_TENANT_SETTING = "app.cross_tenant"
# The transaction's tenant as SQL: what the row-level security policy compares with, and
# what a statement pipelined after the one that set it can read.
CURRENT_TENANT_SQL = f"nullif(current_setting('{TENANT_SETTING}', true), '')::bigint"
