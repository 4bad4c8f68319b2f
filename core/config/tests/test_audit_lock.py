"""scripts/audit_lock.py: which advisory service answers, what counts as a finding, and what
`make lint` does when no service answers (offline)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "audit_lock.py"


@cache
def audit_lock() -> Any:
    spec = importlib.util.spec_from_file_location("frontline_audit_lock", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def advisory_server() -> Iterator[str]:
    """A local server: /known answers like PyPI's JSON API for a vulnerable release, /mirror 404s."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            if self.path.startswith("/known"):
                body = json.dumps({"info": {}, "vulns": [{"id": "PYSEC-2023-1"}]}).encode()
                self.send_response(200)
            else:
                body = b"Not Found"
                self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_first_service_that_reports_vulnerabilities_is_used(advisory_server, monkeypatch):
    module = audit_lock()
    monkeypatch.setattr(
        module,
        "PROBES",
        {"pypi": (f"{advisory_server}/mirror", None), "osv": (f"{advisory_server}/known", {})},
    )
    assert module.reachable_service() == "osv"
    monkeypatch.setattr(module, "PROBES", {"pypi": (f"{advisory_server}/mirror", None)})
    assert module.reachable_service() is None


def test_a_report_gives_its_vulnerabilities_and_what_it_could_not_audit():
    report = {
        "dependencies": [
            {
                "name": "django",
                "version": "4.2.0",
                "vulns": [{"id": "PYSEC-2023-1", "fix_versions": ["4.2.1"]}],
            },
            {"name": "celery", "version": "5.4.0", "vulns": []},
            {"name": "ourwheel", "skip_reason": "Dependency not found on PyPI"},
        ],
        "fixes": [],
    }
    found, skipped = audit_lock().findings_from_report(report)
    assert [str(f) for f in found] == ["django==4.2.0: PYSEC-2023-1 (fixed in 4.2.1)"]
    assert skipped == ["ourwheel: Dependency not found on PyPI"]


def test_ignored_advisories_come_from_pyproject_with_a_reason(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.frontline.audit.ignore]\n"GHSA-x" = "only affects Windows"\n')
    assert audit_lock().ignored_advisories(pyproject) == {"GHSA-x": "only affects Windows"}
    assert isinstance(audit_lock().ignored_advisories(), dict)  # the repository's own table parses


def _run_offline(**env: str) -> subprocess.CompletedProcess[str]:
    """The script with every service pointed at a closed port: what happens offline."""
    code = (
        "import runpy, sys; sys.argv = ['audit_lock.py'];"
        f"g = runpy.run_path({str(SCRIPT)!r}, run_name='audit');"
        "g['PROBES'].clear(); g['PROBES']['pypi'] = ('http://127.0.0.1:9/', None);"
        "sys.exit(g['main']())"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin", **env},
        timeout=60,
    )


def test_offline_the_lock_is_said_not_audited_and_lint_goes_on():
    result = _run_offline()
    assert result.returncode == 0, result.stderr
    assert "NOT AUDITED" in result.stdout


def test_offline_with_the_audit_required_lint_fails():
    result = _run_offline(FRONTLINE_AUDIT="required")
    assert result.returncode == 1
    assert "NOT AUDITED" in result.stdout and "failing" in result.stdout
