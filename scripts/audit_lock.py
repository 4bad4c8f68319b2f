"""`make lint`'s dependency audit: every pin of requirements.lock against the Python Packaging
Advisory Database, with pip-audit (`-r requirements.lock --no-deps --disable-pip`).

pip-audit asks an advisory service over the network: PyPI's JSON API (`/pypi/<name>/<version>/json`,
which carries each release's known vulnerabilities) or OSV. Before the audit, one request with
a short timeout probes each service in turn; the first that answers is used. When none
answers (offline, or an index mirror that serves packages but not the JSON API), the lock is
NOT audited: the script says so in one block and exits 0, so `make lint` stays usable
offline, unless FRONTLINE_AUDIT=required (then it exits 1; set it where the network is
known to reach the services). See docs/development/security-checks.md.

An advisory that does not apply to us is ignored by id in pyproject.toml
`[tool.frontline.audit] ignore`, each with its reason.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "requirements.lock"
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")
PROBE_SECONDS = 5
# The probe asks about a release that has a known advisory, so an answer proves the service
# reports vulnerabilities, not merely that some web server is there.
PROBES = {
    "pypi": ("https://pypi.org/pypi/django/4.2.0/json", None),
    "osv": (
        "https://api.osv.dev/v1/query",
        {"package": {"name": "django", "ecosystem": "PyPI"}, "version": "4.2.0"},
    ),
}


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    advisory: str
    fixed_in: tuple[str, ...]

    def __str__(self) -> str:
        fix = f"fixed in {', '.join(self.fixed_in)}" if self.fixed_in else "no fixed release yet"
        return f"{self.package}=={self.version}: {self.advisory} ({fix})"


def ignored_advisories(pyproject: Path = REPO / "pyproject.toml") -> dict[str, str]:
    """Advisory id -> why it does not apply, from pyproject.toml."""
    config = tomllib.loads(pyproject.read_text())
    ignore: dict[str, str] = config.get("tool", {}).get("frontline", {}).get("audit", {}).get("ignore", {})
    return ignore


def reachable_service() -> str | None:
    """The first advisory service that answers the probe, or None."""
    for service, (url, body) in PROBES.items():
        data = json.dumps(body).encode() if body is not None else None
        # The URLs are the fixed https ones above (a test points them at a local server).
        request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=PROBE_SECONDS) as response:  # noqa: S310  # nosec B310
                answer = json.load(response)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError):
            continue
        if answer.get("vulns"):  # both services name the list `vulns`
            return service
    return None


def findings_from_report(report: dict[str, Any]) -> tuple[list[Finding], list[str]]:
    """pip-audit's JSON report -> (vulnerabilities, dependencies it could not audit)."""
    found, skipped = [], []
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            skipped.append(f"{dependency['name']}: {dependency['skip_reason']}")
            continue
        for vuln in dependency.get("vulns", []):
            found.append(
                Finding(
                    package=dependency["name"],
                    version=dependency["version"],
                    advisory=vuln["id"],
                    fixed_in=tuple(vuln.get("fix_versions", [])),
                )
            )
    return found, skipped


def audit(service: str, ignore: dict[str, str]) -> dict[str, Any]:
    command = [str(PIP_AUDIT), "-r", str(LOCK), "--no-deps", "--disable-pip", "--progress-spinner", "off"]
    command += ["--format", "json", "--vulnerability-service", service, "--timeout", "15"]
    for advisory in ignore:
        command += ["--ignore-vuln", advisory]
    # pip-audit exits 1 when it finds something; the JSON on stdout says what either way.
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # nosec B603
    if not result.stdout.strip():
        raise SystemExit(f"pip-audit gave no report (exit {result.returncode}): {result.stderr.strip()}")
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def main() -> int:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.parse_args()
    required = os.environ.get("FRONTLINE_AUDIT", "") == "required"
    service = reachable_service()
    if service is None:
        verdict = "FRONTLINE_AUDIT=required: failing" if required else "FRONTLINE_AUDIT=required fails here"
        print(
            "audit_lock: NOT AUDITED. No advisory service answered (PyPI's JSON API, OSV) within "
            f"{PROBE_SECONDS} s: offline, or a package mirror without the JSON API.\n"
            "  requirements.lock was not checked for known vulnerabilities. Run `make lint` where "
            "the network reaches pypi.org or osv.dev"
            f" ({verdict})."
        )
        return 1 if required else 0
    ignore = ignored_advisories()
    found, skipped = findings_from_report(audit(service, ignore))
    for line in skipped:
        print(f"audit_lock: not audited: {line}")
    if found:
        print(f"audit_lock: {len(found)} known vulnerabilities in requirements.lock ({service}):")
        for finding in found:
            print(f"  {finding}")
        print("Upgrade the pin (`make lock`), or ignore the id with a reason in pyproject.toml.")
        return 1
    print(f"audit_lock: requirements.lock has no known vulnerabilities ({service}; {len(ignore)} ignored).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
