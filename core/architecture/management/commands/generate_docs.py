"""manage.py generate_docs [--check]: regenerate docs/architecture/ from models and catalog."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from architecture.generated import stale_files, write_all


class Command(BaseCommand):
    help = "Regenerate the ER diagrams, the schema report and the event map (run migrations first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Fail if a generated file is stale.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            stale = stale_files()
            if stale:
                raise CommandError(f"Stale: {', '.join(stale)}. Run `make docs`.")
            self.stdout.write("Architecture docs are up to date.")
            return
        for path in write_all():
            self.stdout.write(f"wrote {path}")
