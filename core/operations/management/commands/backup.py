"""manage.py backup --output PATH: the whole installation (database and attachments) in one archive."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from operations.backup import backup_create
from operations.command import OperationCommand


class Command(OperationCommand):
    help = "Back up the database (pg_dump, as the owner role) and the attachments into one archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", required=True, type=Path, help="The archive to write (.tar or .tar.gz)."
        )
        parser.add_argument(
            "--database-url", help="Back up this database (as its owner) instead of this installation's."
        )
        parser.add_argument(
            "--no-media", action="store_true", help="Leave the attachments out (kept in object storage)."
        )

    def run(self, **options: Any) -> None:
        backup_create(
            output=Path(options["output"]),
            database_url=options["database_url"],
            include_media=not options["no_media"],
            say=self.stdout.write,
        )
