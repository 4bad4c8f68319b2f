"""The fault suite's ledger: per scenario and kind of side effect, what was produced, delivered,
duplicated and lost, counted by id. The root conftest prints it as a table at the end of the
pytest run (`pytest_terminal_summary`), so `make test` shows each scenario's figures.

A fault test records what it expected (the ids of the events, tickets or mails the traffic
produced) and what it observed (one id per side effect seen at the far end: a mail on the SMTP
server, a POST at the webhook receiver, a socket message), then asserts the row is clean. The
row is recorded before the assertion, so a failing scenario still shows its counts.

`redelivered` counts repeats the protocol marks as the same delivery (a webhook POST retried
with the same `X-Frontline-Delivery` id after the worker died before recording the answer):
the documented receiver applies those once, so they are not duplicates.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class EffectCount:
    scenario: str
    effect: str
    produced: int
    delivered: int  # distinct expected ids seen at least once
    duplicated: int  # extra copies of an id already seen
    lost: int  # expected ids never seen
    unexpected: int  # ids seen that nothing produced
    redelivered: int = 0
    note: str = ""  # what the fault was, in a few words (how many refusals, where the kill fell)

    @property
    def clean(self) -> bool:
        return self.duplicated == 0 and self.lost == 0 and self.unexpected == 0


_ledger: list[EffectCount] = []

COLUMNS = (
    "scenario",
    "effect",
    "produced",
    "delivered",
    "duplicated",
    "lost",
    "unexpected",
    "redelivered",
    "note",
)


def record(
    scenario: str,
    effect: str,
    *,
    produced: Collection[str],
    delivered: Iterable[str],
    redelivered: int = 0,
    note: str = "",
) -> EffectCount:
    """Count one kind of side effect of a scenario by id and keep the row for the report."""
    expected = {str(i) for i in produced}
    seen = Counter(str(i) for i in delivered)
    row = EffectCount(
        scenario=scenario,
        effect=effect,
        produced=len(expected),
        delivered=len(expected & seen.keys()),
        duplicated=sum(n - 1 for n in seen.values()),
        lost=len(expected - seen.keys()),
        unexpected=len(seen.keys() - expected),
        redelivered=redelivered,
        note=note,
    )
    _ledger.append(row)
    return row


def assert_exactly_once(
    scenario: str,
    effect: str,
    *,
    produced: Collection[str],
    delivered: Iterable[str],
    redelivered: int = 0,
    note: str = "",
) -> EffectCount:
    """`record`, then fail unless every produced id was delivered once and nothing else was."""
    delivered = list(delivered)
    row = record(scenario, effect, produced=produced, delivered=delivered, redelivered=redelivered, note=note)
    if not row.clean:
        seen = Counter(delivered)
        expected = {str(i) for i in produced}
        raise AssertionError(
            f"{scenario} / {effect}: {row}; lost {sorted(expected - seen.keys())[:5]}, "
            f"duplicated {[i for i, n in seen.items() if n > 1][:5]}, "
            f"unexpected {sorted(seen.keys() - expected)[:5]}"
        )
    return row


def rows() -> list[EffectCount]:
    return list(_ledger)


def discard(scenario: str) -> None:
    """Drop a scenario's rows (the ledger's own tests)."""
    _ledger[:] = [r for r in _ledger if r.scenario != scenario]


def table(counts: Iterable[EffectCount]) -> list[str]:
    """The ledger as aligned text lines (a header, a rule, one line per row)."""
    cells = [list(COLUMNS)] + [
        [
            c.scenario,
            c.effect,
            *(str(v) for v in (c.produced, c.delivered, c.duplicated, c.lost, c.unexpected, c.redelivered)),
            c.note,
        ]
        for c in counts
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]

    def line(row: list[str]) -> str:
        left = [row[i].ljust(widths[i]) for i in range(2)]
        right = [row[i].rjust(widths[i]) for i in range(2, len(COLUMNS) - 1)]
        return "  ".join([*left, *right, row[-1]]).rstrip()

    return [line(cells[0]), "  ".join("-" * w for w in widths), *(line(r) for r in cells[1:])]
