"""manage.py export_tenant --tenant SLUG --output PATH: one tenant's rows, users and files."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from operations.command import OperationCommand
from operations.tenant_export import tenant_export


class Command(OperationCommand):
    help = "Export one tenant (every tenant table's rows, its users, its files) for import_tenant elsewhere."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, help="The tenant's slug.")
        parser.add_argument(
            "--output", required=True, type=Path, help="The archive to write (.tar or .tar.gz)."
        )
        parser.add_argument(
            "--no-media",
            action="store_true",
            help="Leave the files out (moved with the storage's own tools).",
        )

    def run(self, **options: Any) -> None:
        tenant_export(
            slug=options["tenant"],
            output=Path(options["output"]),
            include_media=not options["no_media"],
            say=self.stdout.write,
        )
