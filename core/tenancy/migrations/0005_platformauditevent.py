"""PlatformAuditEvent moves here from accounts (the cross-tenant context writes it, below
accounts): in Django's state only; the table keeps its name and its rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0004_tenant_foreign_keys"),
        ("accounts", "0003_tenant_foreign_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PlatformAuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("auth.login", "Login"),
                                    ("auth.logout", "Logout"),
                                    ("auth.login_failed", "Login Failed"),
                                    ("auth.locked_out", "Locked Out"),
                                    ("token.created", "Token Created"),
                                    ("token.revoked", "Token Revoked"),
                                    ("token.used", "Token Used"),
                                    ("platform.cross_tenant", "Cross Tenant"),
                                ],
                                max_length=40,
                            ),
                        ),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                        ("user_agent", models.CharField(blank=True, max_length=300)),
                        ("detail", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "accounts_platformauditevent"},
                ),
            ],
            database_operations=[],
        ),
    ]
