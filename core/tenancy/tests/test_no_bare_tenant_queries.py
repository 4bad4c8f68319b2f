"""Lint: tenant-owned models are queried only in selectors and services.

A bare `Team.objects...` in a view or task is where a tenant filter gets forgotten
(Zulip's "use access_message()" rule); row-level security would hide the mistake's
damage, but the code should not rely on its last line of defence.
"""

import ast
from pathlib import Path

from tenancy.security import tenant_models

CORE = Path(__file__).resolve().parents[2]
ALLOWED_FILES = {"selectors.py", "services.py", "admin.py", "security.py", "demo.py"}
# Infrastructure modules that act like services may opt in, in their docstring, saying why.
OPT_IN_MARK = "tenant-queries: allowed"
# An app whose services or selectors outgrow one module splits them into a package.
ALLOWED_PACKAGES = {"selectors", "services"}


def _violations() -> list[str]:
    names = {model.__name__ for model in tenant_models()}
    found = []
    for path in CORE.rglob("*.py"):
        rel = path.relative_to(CORE)
        if (
            path.name in ALLOWED_FILES
            or path.parent.name in ALLOWED_PACKAGES
            or "migrations" in rel.parts
            or "tests" in rel.parts
            or rel.parts[0] == "testing"
        ):
            continue
        source = path.read_text()
        if OPT_IN_MARK in source[:1500]:
            continue
        for node in ast.walk(ast.parse(source, filename=str(path))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"objects", "_default_manager"}
                and isinstance(node.value, ast.Name)
                and node.value.id in names
            ):
                found.append(f"{rel}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_no_bare_queries_of_tenant_models_outside_selectors_and_services():
    assert _violations() == []


def test_the_check_can_fail(tmp_path, monkeypatch):
    bad = CORE / "tenancy" / "_lint_probe_view.py"
    bad.write_text("from tenancy.models import Team\n\nTeam.objects.all()\n")
    try:
        assert any("_lint_probe_view.py" in v for v in _violations())
    finally:
        bad.unlink()
