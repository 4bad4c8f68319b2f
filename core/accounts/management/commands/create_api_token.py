"""manage.py create_api_token --tenant SLUG --email E [--name N]: prints the token once."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.management.commands._helpers import tenant_or_error
from accounts.selectors import membership_for_user, user_by_email
from accounts.services.users import api_token_create
from tenancy.context import tenant_context


class Command(BaseCommand):
    help = "Create a personal API token for a member of a tenant and print it (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="cli")

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = tenant_or_error(options["tenant"])
        user = user_by_email(email=options["email"])
        if user is None:
            raise CommandError(f"No user {options['email']!r}.")
        with tenant_context(tenant.id):
            membership = membership_for_user(tenant=tenant, user=user)
            if membership is None:
                raise CommandError(f"{user.email} is not a member of {tenant.slug}.")
            _, raw = api_token_create(tenant=tenant, membership=membership, name=options["name"])
        self.stdout.write(raw)
