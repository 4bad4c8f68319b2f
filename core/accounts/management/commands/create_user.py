"""manage.py create_user --tenant SLUG --email E --role ROLE [--password P]"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.management.commands._helpers import tenant_or_error
from accounts.selectors import user_by_email
from accounts.services.members import membership_set
from accounts.services.users import user_create
from tenancy.models import Role


class Command(BaseCommand):
    help = "Create a user (or reuse one with that email) and give them a role in a tenant."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password", help="Omit for a user who cannot sign in with a password yet.")
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = tenant_or_error(options["tenant"])
        try:
            user = user_by_email(email=options["email"]) or user_create(
                email=options["email"], password=options["password"], full_name=options["name"]
            )
            membership_set(tenant=tenant, user=user, role=options["role"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"{user.email} is {options['role']} in {tenant.slug}."))
