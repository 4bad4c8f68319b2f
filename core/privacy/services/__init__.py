"""Writes of privacy: erasure (`erasure`), data-access archives (`export`), the retention rule
(`retention`), and the scrubbing the first and last share (`scrub`)."""

from privacy.services.erasure import ErasureRefusedError, ErasureResult, person_erase
from privacy.services.export import ARCHIVE_TTL, privacy_export_create, privacy_export_run
from privacy.services.retention import (
    retention_days_check,
    retention_policy_set,
    retention_run,
    tickets_purge,
)

__all__ = [
    "ARCHIVE_TTL",
    "ErasureRefusedError",
    "ErasureResult",
    "person_erase",
    "privacy_export_create",
    "privacy_export_run",
    "retention_days_check",
    "retention_policy_set",
    "retention_run",
    "tickets_purge",
]
