"""Comparing a database's row counts with a backup manifest, and printing the differences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Mismatch:
    tenant: str
    table: str
    expected: int | None
    found: int | None


def _label(tenant_id: int, slug: str | None) -> str:
    return f"{slug} (id {tenant_id})" if slug else f"id {tenant_id}"


def compare_counts(
    manifest: dict[str, Any], per_tenant: dict[int, dict[str, int]], global_rows: dict[str, int]
) -> list[Mismatch]:
    """Every (tenant, table) whose row count differs from the manifest's, and every other table's."""
    mismatches = []
    expected_tenants = {int(entry["id"]): entry for entry in manifest["tenants"]}
    for tenant_id in sorted(set(expected_tenants) | set(per_tenant)):
        entry = expected_tenants.get(tenant_id)
        expected = entry["rows"] if entry else {}
        found = per_tenant.get(tenant_id, {})
        label = _label(tenant_id, entry.get("slug") if entry else None)
        if (entry is None) != (tenant_id not in per_tenant):
            present = (int(entry is not None), int(tenant_id in per_tenant))
            mismatches.append(Mismatch(label, "tenancy_tenant", *present))
        for table in sorted(set(expected) | set(found)):
            if expected.get(table, 0) != found.get(table, 0):
                mismatches.append(Mismatch(label, table, expected.get(table), found.get(table)))
    expected_global = manifest.get("global_rows", {})
    for table in sorted(set(expected_global) | set(global_rows)):
        if expected_global.get(table) != global_rows.get(table):
            mismatches.append(Mismatch("(all)", table, expected_global.get(table), global_rows.get(table)))
    return mismatches


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def mismatch_table(mismatches: list[Mismatch]) -> str:
    def shown(value: int | None) -> str:
        return "missing" if value is None else str(value)

    rows = [[m.tenant, m.table, shown(m.expected), shown(m.found)] for m in mismatches]
    return format_table(["tenant", "table", "in backup", "restored"], rows)
