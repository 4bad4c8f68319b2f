"""What one ticket adds to the daily rollups: a pure function of its current state and history.

Because the contribution is recomputed from the ticket's whole truth each time, applying
(new - old) to the rollups is exact and order-independent: late changes (a reopen after a
solve, a reassignment) move the ticket's numbers, a repeated event changes nothing.

Definitions (UTC days; a ticket counts in the slice of its *current* team, assignee,
channel, category and priority):
- created: on the day of created_at;
- solved: each move from an unresolved status to solved/closed, on its day (merges count);
- reopened: each move from solved/closed back to an unresolved status, on its day;
- backlog at the end of a day: sum of (created + reopened - solved) up to that day;
- first response time: first_response_at - created_at, on the day of the first response;
- resolution time: solved_at - created_at for tickets resolved now, on the day of solved_at,
  with replies_sum the public staff replies on those tickets (replies per solved ticket).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from reports.buckets import bucket_of
from reports.models import NONE_VALUE

RESOLVED = frozenset({"solved", "closed"})
COUNTERS = ("created", "solved", "reopened", "frt_count", "frt_sum", "res_count", "res_sum", "replies_sum")
# A cell is {counter: n} plus histogram entries {"frt_b:<bucket>": n, "res_b:<bucket>": n}.
Cell = dict[str, int]
CellKey = tuple[str, str, str]  # (day iso, dimension, value)


@dataclass
class TicketFacts:
    created_at: dt.datetime
    status: str  # the status category now
    team_id: int | None
    assignee_id: int | None
    channel: str
    category: str
    priority: str
    first_response_at: dt.datetime | None = None
    solved_at: dt.datetime | None = None
    replies: int = 0
    # (when, old category, new category) for every status change, oldest first
    transitions: list[tuple[dt.datetime, str, str]] = field(default_factory=list)


def slices(facts: TicketFacts) -> list[tuple[str, str]]:
    return [
        ("all", ""),
        ("team", str(facts.team_id) if facts.team_id else NONE_VALUE),
        ("assignee", str(facts.assignee_id) if facts.assignee_id else NONE_VALUE),
        ("channel", facts.channel or NONE_VALUE),
        ("category", (facts.category or NONE_VALUE)[:100]),
        ("priority", facts.priority or NONE_VALUE),
    ]


def utc_day(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).date().isoformat()


def seconds_between(start: dt.datetime, end: dt.datetime) -> int:
    return max(0, int((end - start).total_seconds()))


def ticket_cells(facts: TicketFacts) -> dict[CellKey, Cell]:
    per_day: dict[str, Cell] = defaultdict(lambda: defaultdict(int))
    per_day[utc_day(facts.created_at)]["created"] += 1
    for when, old, new in facts.transitions:
        if old not in RESOLVED and new in RESOLVED:
            per_day[utc_day(when)]["solved"] += 1
        elif old in RESOLVED and new not in RESOLVED:
            per_day[utc_day(when)]["reopened"] += 1
    if facts.first_response_at is not None:
        secs = seconds_between(facts.created_at, facts.first_response_at)
        cell = per_day[utc_day(facts.first_response_at)]
        cell["frt_count"] += 1
        cell["frt_sum"] += secs
        cell[f"frt_b:{bucket_of(secs)}"] += 1
    if facts.status in RESOLVED and facts.solved_at is not None:
        secs = seconds_between(facts.created_at, facts.solved_at)
        cell = per_day[utc_day(facts.solved_at)]
        cell["res_count"] += 1
        cell["res_sum"] += secs
        cell[f"res_b:{bucket_of(secs)}"] += 1
        cell["replies_sum"] += facts.replies
    cells: dict[CellKey, Cell] = {}
    for day, cell in per_day.items():
        for dimension, value in slices(facts):
            cells[(day, dimension, value)] = dict(cell)
    return cells


def snapshot(facts: TicketFacts) -> dict[str, Any]:
    """The compact stored form: the ticket's slices once, and its cells per day."""
    days: dict[str, Cell] = {}
    for (day, dimension, _value), cell in ticket_cells(facts).items():
        if dimension == "all":
            days[day] = cell
    return {"s": [list(pair) for pair in slices(facts)], "days": days}


def cells_from_snapshot(stored: dict[str, Any] | None) -> dict[CellKey, Cell]:
    if not stored:
        return {}
    return {
        (day, dimension, value): dict(cell)
        for day, cell in stored.get("days", {}).items()
        for dimension, value in stored.get("s", [])
    }


def difference(new: dict[CellKey, Cell], old: dict[CellKey, Cell]) -> dict[CellKey, Cell]:
    """new - old per cell, without the cells where nothing changed."""
    out: dict[CellKey, Cell] = {}
    for key in new.keys() | old.keys():
        a, b = new.get(key, {}), old.get(key, {})
        delta = {name: a.get(name, 0) - b.get(name, 0) for name in a.keys() | b.keys()}
        delta = {name: n for name, n in delta.items() if n}
        if delta:
            out[key] = delta
    return out
