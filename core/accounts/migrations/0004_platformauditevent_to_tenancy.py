"""PlatformAuditEvent moved to tenancy: gone from accounts' state only; the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_tenant_foreign_keys"),
        ("tenancy", "0005_platformauditevent"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PlatformAuditEvent")],
            database_operations=[],
        ),
    ]
