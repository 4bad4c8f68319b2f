"""`export_openapi [PATH]`: write the API's OpenAPI JSON (default: portal/openapi.json)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from portal_host.openapi import openapi_json


class Command(BaseCommand):
    help = "Write core's OpenAPI schema, from which the portal's TypeScript types are generated."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(settings.REPO_DIR / "portal" / "openapi.json"))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if str(path) == "-":
            self.stdout.write(openapi_json(), ending="")
            return
        path.write_text(openapi_json(), encoding="utf-8")
        self.stdout.write(f"wrote {path}")
