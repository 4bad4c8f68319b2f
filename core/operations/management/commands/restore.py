"""manage.py restore --input PATH: a backup archive into an empty database, checked row by row count."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from operations.command import OperationCommand
from operations.restore import backup_check, backup_restore
from operations.verify import mismatch_table


class Command(OperationCommand):
    help = (
        "Restore a backup archive (database and attachments), then compare the row counts of every "
        "tenant with the archive's manifest; exits non-zero on any difference."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, type=Path, help="The archive `backup` wrote.")
        parser.add_argument(
            "--database-url", help="Restore into this database (as its owner) instead of this installation's."
        )
        parser.add_argument("--media-dir", type=Path, help="Restore attachments here instead of MEDIA_ROOT.")
        parser.add_argument(
            "--force", action="store_true", help="Restore over a database or folder that is not empty."
        )
        parser.add_argument(
            "--check", action="store_true", help="Only check the archive's checksums; restore nothing."
        )

    def run(self, **options: Any) -> None:
        if options["check"]:
            backup_check(archive=Path(options["input"]), say=self.stdout.write)
            return
        result = backup_restore(
            archive=Path(options["input"]),
            database_url=options["database_url"],
            media_dir=Path(options["media_dir"]) if options["media_dir"] else None,
            force=options["force"],
            say=self.stdout.write,
        )
        if result.pending_migrations:
            self.stdout.write(
                self.style.WARNING("The backup's migrations differ from this code's: run `migrate` next.")
            )
        if result.mismatches:
            self.stdout.write(mismatch_table(result.mismatches))
            raise CommandError(
                f"Restored into {result.database}, but {len(result.mismatches)} row counts differ "
                "from the backup."
            )
        self.stdout.write(self.style.SUCCESS(f"Restored into {result.database}; every row count matches."))
