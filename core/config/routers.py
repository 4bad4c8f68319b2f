"""Database router: only the owner connection runs migrations."""

from typing import Any


class OwnerMigratesRouter:
    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "owner"
