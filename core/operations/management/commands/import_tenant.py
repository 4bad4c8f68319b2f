"""manage.py import_tenant --input PATH [--slug NEW]: a tenant export into this installation."""

from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import CommandParser

from operations.command import OperationCommand
from operations.tenant_import import tenant_import


class Command(OperationCommand):
    help = (
        "Import a tenant that export_tenant wrote, in one transaction, keeping its ids; refuses a "
        "tenant that exists already."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, type=Path, help="The archive export_tenant wrote.")
        parser.add_argument("--slug", help="Import under this slug instead of the exported one.")
        parser.add_argument(
            "--database-url", help="Import into this database (as its owner) instead of this installation's."
        )
        parser.add_argument("--media-dir", type=Path, help="Write the files here instead of MEDIA_ROOT.")

    def run(self, **options: Any) -> None:
        storage = (
            FileSystemStorage(location=options["media_dir"]) if options["media_dir"] else default_storage
        )
        result = tenant_import(
            archive=Path(options["input"]),
            slug=options["slug"],
            database_url=options["database_url"],
            storage=storage,
            say=self.stdout.write,
        )
        self.stdout.write(self.style.SUCCESS(f"Tenant {result.slug} (id {result.tenant_id}) is here now."))
