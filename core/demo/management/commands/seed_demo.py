"""manage.py seed_demo: the demo tenants acme and globex (safe to run again)."""

from typing import Any

from django.core.management.base import BaseCommand

from demo.data import DEMO_PASSWORD
from demo.seed import seed_demo


class Command(BaseCommand):
    help = "Create the demo tenants acme and globex with owners, agents, customers and teams."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready ({len(rows)} logins, password {DEMO_PASSWORD}).")
        )
