"""The base of the operations commands: any expected failure ends as one clear line and exit 1."""

from __future__ import annotations

from typing import Any

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from operations.errors import OperationError


class OperationCommand(BaseCommand):
    def run(self, **options: Any) -> None:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self.run(**options)
        except OperationError as exc:
            raise CommandError(str(exc)) from exc
        except (psycopg.Error, DatabaseError) as exc:
            lines = [line for line in str(exc).splitlines() if line.strip()]
            raise CommandError(f"Database error: {lines[0] if lines else type(exc).__name__}") from exc
