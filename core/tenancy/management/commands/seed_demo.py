"""manage.py seed_demo: the demo tenants acme and globex (safe to run again)."""

from typing import Any

from django.core.management.base import BaseCommand

from tenancy.demo import seed_demo
from tenancy.demo_data import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Create the demo tenants acme and globex with owners, agents, customers and teams."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready ({len(rows)} logins, password {DEMO_PASSWORD}).")
        )
