"""The hostile suite's ledger: every payload tried, per advisory class, and what became of it.

A payload is *rejected* when the product refuses it (a 4xx answer, a quarantined mail, a
refused connection), *neutralised* when it is accepted but comes out harmless (sanitised
HTML, escaped text, a quoted CSV cell, a header that does not split), and *failed* when it
got through or the server answered 5xx. The conftest prints the table at the end of the run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest

REJECTED, NEUTRALISED, FAILED = "rejected", "neutralised", "failed"


@dataclass
class ClassCounts:
    tried: int = 0
    rejected: int = 0
    neutralised: int = 0
    failed: int = 0


# One row per advisory class; filled by every Tally of the run (one process: no xdist here).
TOTALS: dict[str, ClassCounts] = defaultdict(ClassCounts)


@dataclass
class Tally:
    """What one test tried. Call `assert_held()` at its end; the fixture checks it was called."""

    advisory_class: str
    failures: list[str] = field(default_factory=list)
    checked: bool = False
    record: bool = True  # False for the suite's self-checks, which stay out of the table

    def _count(self, outcome: str) -> None:
        if not self.record:
            return
        counts = TOTALS[self.advisory_class]
        counts.tried += 1
        setattr(counts, outcome, getattr(counts, outcome) + 1)

    def rejected(self, payload: Any, where: str) -> None:
        self._count(REJECTED)

    def neutralised(self, payload: Any, where: str) -> None:
        self._count(NEUTRALISED)

    def failed(self, payload: Any, where: str, why: str) -> None:
        self._count(FAILED)
        self.failures.append(f"{where}: {payload!r} {why}")

    def judge(self, payload: Any, where: str, *, status: int, harmless: bool, detail: str = "") -> None:
        """A response's verdict: 5xx fails, 4xx rejects, otherwise `harmless` decides."""
        if status >= 500:
            self.failed(payload, where, f"answered {status}")
        elif status >= 400:
            self.rejected(payload, where)
        elif harmless:
            self.neutralised(payload, where)
        else:
            self.failed(payload, where, f"got through (status {status}) {detail}".rstrip())

    def assert_held(self) -> None:
        self.checked = True
        if self.failures:
            pytest.fail(
                f"{len(self.failures)} hostile payload(s) got through:\n  " + "\n  ".join(self.failures)
            )


def summary_lines() -> list[str]:
    if not TOTALS:
        return []
    width = max(len("class"), *(len(name) for name in TOTALS))
    head = f"{'class':<{width}} | payloads tried | rejected | neutralised | failed"
    lines = [head, "-" * len(head)]
    for name in sorted(TOTALS):
        c = TOTALS[name]
        lines.append(
            f"{name:<{width}} | {c.tried:>14} | {c.rejected:>8} | {c.neutralised:>11} | {c.failed:>6}"
        )
    total = ClassCounts(
        *(sum(getattr(c, f) for c in TOTALS.values()) for f in ("tried", "rejected", "neutralised", "failed"))
    )
    lines.append(
        f"{'all':<{width}} | {total.tried:>14} | {total.rejected:>8} | {total.neutralised:>11} | {total.failed:>6}"
    )
    return lines
