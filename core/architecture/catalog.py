"""The schema report, read from the live PostgreSQL catalog, with its isolation checks.

Everything is sorted and free of OIDs and server versions, so the same migrations give
the same report on PostgreSQL 15 (CI's system server) and 18 (the embedded one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connections

# Tables that have no tenant_id on purpose, and why. Anything else without one fails.
GLOBAL_TABLES: dict[str, str] = {
    "tenancy_tenant": "the tenant itself, root of all tenant data",
    "accounts_user": "global identity; what a user may do lives in tenant memberships",
    "accounts_user_groups": "Django permission groups of a user (platform operators)",
    "accounts_user_user_permissions": "Django permissions of a user (platform operators)",
    "accounts_totpdevice": "a person's authenticator (encrypted secret), one for every desk they belong to",
    "accounts_recoverycode": "hashed single-use recovery codes of a person's authenticator",
    "accounts_platformauditevent": "security events outside any tenant (platform host, cross-tenant work)",
    "auth_group": "Django internals",
    "auth_group_permissions": "Django internals",
    "auth_permission": "Django internals",
    "django_admin_log": "Django admin history, per acting user",
    "django_content_type": "Django internals",
    "django_migrations": "Django internals",
    "jobs_deadletter": "Celery tasks that exhausted their retries; platform operators re-drive them",
    "email_channel_quarantinedemail": "refused inbound mail, often before any tenant is known (operators)",
    "django_session": "unused (sessions live in Redis); created by django.contrib.sessions",
}


@dataclass
class Table:
    name: str
    columns: list[tuple[str, str, bool, str]] = field(default_factory=list)  # name, type, nullable, default
    indexes: list[tuple[str, str, bool]] = field(default_factory=list)  # name, definition, unique
    constraints: list[tuple[str, str, str]] = field(default_factory=list)  # name, kind, definition
    rls_enabled: bool = False
    rls_forced: bool = False
    policies: list[tuple[str, str, str]] = field(default_factory=list)  # name, command, expression

    @property
    def has_tenant_id(self) -> bool:
        return any(c[0] == "tenant_id" for c in self.columns)


def _fetch(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connections["owner"].cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def read_catalog() -> dict[str, Table]:
    tables: dict[str, Table] = {}
    for name, enabled, forced in _fetch(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
    ):
        tables[name] = Table(name=name, rls_enabled=enabled, rls_forced=forced)
    for table, column, type_, not_null, identity, default in _fetch(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity, "
        "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attrdef d "
        "ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY c.relname, a.attnum"
    ):
        shown_default = "identity" if identity else (default or "")
        tables[table].columns.append((column, type_, not not_null, shown_default))
    for table, index, definition, unique in _fetch(
        "SELECT t.relname, i.relname, pg_get_indexdef(x.indexrelid), x.indisunique FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE n.nspname = 'public' ORDER BY t.relname, i.relname"
    ):
        tables[table].indexes.append((index, definition.replace("public.", ""), unique))
    kinds = {"p": "primary key", "u": "unique", "f": "foreign key", "c": "check", "x": "exclusion"}
    for table, name, kind, definition in _fetch(
        "SELECT t.relname, c.conname, c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f', 'c', 'x') ORDER BY t.relname, c.conname"
    ):
        tables[table].constraints.append((name, kinds[kind], definition.replace("public.", "")))
    commands = {"*": "ALL", "r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}
    for table, name, command, expression in _fetch(
        "SELECT t.relname, p.polname, p.polcmd, pg_get_expr(p.polqual, p.polrelid) FROM pg_policy p "
        "JOIN pg_class t ON t.oid = p.polrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE n.nspname = 'public' ORDER BY t.relname, p.polname"
    ):
        tables[table].policies.append((name, commands.get(command, command), expression or ""))
    return tables


def _fk_columns(definition: str) -> list[str]:
    inside = definition[definition.index("(") + 1 : definition.index(")")]
    return [c.strip().strip('"') for c in inside.split(",")]


def _fk_target(definition: str) -> str:
    return definition.split("REFERENCES ", 1)[1].split("(", 1)[0].strip().strip('"')


def _index_columns(definition: str) -> list[str]:
    inside = definition[definition.index("(") + 1 : definition.rindex(")")]
    return [c.strip().strip('"').split(" ")[0] for c in inside.split(",")]


def _foreign_keys(table: Table) -> list[tuple[str, list[str], str]]:
    return [(c, _fk_columns(d), _fk_target(d)) for c, kind, d in table.constraints if kind == "foreign key"]


def reference_tables(tables: dict[str, Table]) -> list[str]:
    """Global tables that tenant tables reference: Citus would copy them to every node."""
    return sorted(
        {
            target
            for t in tables.values()
            if t.has_tenant_id
            for _, _, target in _foreign_keys(t)
            if target in tables and not tables[target].has_tenant_id
        }
    )


def run_checks(tables: dict[str, Table]) -> dict[str, list[str]]:
    tenant_tables = {n for n, t in tables.items() if t.has_tenant_id}
    problems: dict[str, list[str]] = {
        "Tables without tenant_id that are not declared global": sorted(
            n for n in tables if n not in tenant_tables and n not in GLOBAL_TABLES
        ),
        "Tenant tables without forced row-level security and a policy": sorted(
            n
            for n in tenant_tables
            if not (tables[n].rls_enabled and tables[n].rls_forced and tables[n].policies)
        ),
        "Primary and unique keys on tenant tables without tenant_id": [],
        "Foreign keys between tenant tables without tenant_id": [],
        "Foreign keys from global tables into tenant tables": [],
        "Foreign keys without an index on their columns": [],
    }
    for name in sorted(tables):
        table = tables[name]
        if name in tenant_tables:
            for index, definition, unique in table.indexes:
                if unique and "tenant_id" not in _index_columns(definition):
                    problems["Primary and unique keys on tenant tables without tenant_id"].append(
                        f"{name}.{index}"
                    )
        for constraint, cols, target in _foreign_keys(table):
            if name in tenant_tables and target in tenant_tables and "tenant_id" not in cols:
                problems["Foreign keys between tenant tables without tenant_id"].append(
                    f"{name}.{constraint}"
                )
            if name not in tenant_tables and target in tenant_tables:
                problems["Foreign keys from global tables into tenant tables"].append(f"{name}.{constraint}")
            leading = [_index_columns(d)[: len(cols)] for _, d, _ in table.indexes]
            if cols not in leading:
                problems["Foreign keys without an index on their columns"].append(f"{name}.{constraint}")
    return problems


def _standard_policy(tables: dict[str, Table]) -> str | None:
    reference = tables.get("tenancy_membership")
    return reference.policies[0][2] if reference and reference.policies else None


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render() -> str:
    tables = read_catalog()
    problems = run_checks(tables)
    standard = _standard_policy(tables)
    out = [
        "# Database schema analysis report",
        "",
        "Generated by `make docs` (`manage.py generate_docs`) from the live PostgreSQL catalog",
        "after migrations; do not edit. A test fails when this file is stale, and another when a",
        "check below finds anything.",
        "",
        "## Checks",
        "",
    ]
    for title, found in problems.items():
        out.append(f"- **{title}:** {', '.join(found) if found else 'none'}")
    tenant_count = sum(1 for t in tables.values() if t.has_tenant_id)
    out += [
        "",
        "These are also Citus' co-location rules (`tenancy.colocation`): as it stands, each of the",
        f"{tenant_count} tenant tables could be distributed by `tenant_id`, and the global tables they",
        f"reference would be reference tables: {', '.join(f'`{n}`' for n in reference_tables(tables))}.",
        "",
        "## Summary",
        "",
        "| table | tenant | RLS | forced | policies | columns | indexes |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, t in tables.items():
        out.append(
            f"| `{name}` | {'yes' if t.has_tenant_id else 'global'} | {'on' if t.rls_enabled else 'off'} | "
            f"{'yes' if t.rls_forced else 'no'} | {len(t.policies)} | {len(t.columns)} | {len(t.indexes)} |"
        )
    out += ["", "## Global tables", ""]
    out += [f"- `{n}`: {why}" for n, why in GLOBAL_TABLES.items() if n in tables]
    if standard:
        out += [
            "",
            "## The tenant policy",
            "",
            "Every tenant table's policy `tenant_isolation` (ALL) is:",
            "",
        ]
        out += ["```sql", standard, "```"]
    out += ["", "## Tables", ""]
    for name, t in tables.items():
        out += [f"### `{name}`", ""]
        enabled, forced = (
            ("enabled" if t.rls_enabled else "disabled"),
            ("forced" if t.rls_forced else "not forced"),
        )
        out.append(f"Row-level security: {enabled}, {forced}.")
        for policy, command, expression in t.policies:
            text = "the tenant policy" if expression == standard else f"`{expression}`"
            out.append(f"Policy `{policy}` ({command}): {text}.")
        out += ["", "| column | type | null | default |", "|---|---|---|---|"]
        out += [f"| `{c}` | {ty} | {'yes' if n else 'no'} | {_cell(d)} |" for c, ty, n, d in t.columns]
        if t.indexes:
            out += ["", "Indexes:", ""]
            out += [f"- `{i}`: `{d}`" for i, d, _ in t.indexes]
        if t.constraints:
            out += ["", "Constraints:", ""]
            out += [f"- `{c}` ({k}): `{d}`" for c, k, d in t.constraints]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
