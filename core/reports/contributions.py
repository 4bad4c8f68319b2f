"""What one ticket adds to the daily rollups: a pure function of its current state and history.

Because the contribution is recomputed from the ticket's whole truth each time, applying
(new - old) to the rollups is exact and order-independent: late changes (a reopen after a
solve, a reassignment, a late CSAT rating) move the ticket's numbers, a repeated event
changes nothing.

Definitions (days in the tenant's time zone; a ticket counts in the slices of its *current*
team, assignee, channel, category, priority, tags and custom field values):
- created: on the day of created_at;
- solved: each move from an unresolved status to solved/closed, on its day (merges count);
- reopened: each move from solved/closed back to an unresolved status, on its day;
- backlog at the end of a day: sum of (created + reopened - solved) up to that day;
- first response time: first_response_at - created_at, on the day of the first response,
  in calendar seconds and in business seconds of the tenant's default calendar;
- resolution time: solved_at - created_at for tickets resolved now, on the day of solved_at
  (both clocks), with replies_sum the public staff replies on those tickets;
- SLA: each clock (first response, next response, resolution) counts as met on the day it
  was achieved without a breach, as breached on the day it breached; running clocks do not count;
- CSAT: sent on the day the survey was requested; rated (and good = rating >= 4, sum of
  ratings) on the day it was rated;
- AI triage: each field the model applied, on the day applied; changed if a person later
  set that field to something else (acceptance = 1 - changed / applied).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any
from zoneinfo import ZoneInfo

from reports.buckets import bucket_of
from reports.models import FILTER_DIMENSIONS, NONE_VALUE, PAIR_JOIN
from sla.business_time import Calendar, business_minutes_between

UTC_ZONE = ZoneInfo("UTC")
RESOLVED = frozenset({"solved", "closed"})
COUNTERS = (
    "created", "solved", "reopened", "frt_count", "frt_sum", "res_count", "res_sum", "replies_sum",
    "frt_bh_sum", "res_bh_sum", "sla_frt_met", "sla_frt_breached", "sla_nrt_met", "sla_nrt_breached",
    "sla_res_met", "sla_res_breached", "csat_sent", "csat_rated", "csat_good", "csat_sum",
    "ai_applied", "ai_changed",
)  # fmt: skip
HISTOGRAMS = ("frt", "res", "frt_bh", "res_bh")  # column <name>_hist, cell entries "<name>:<bucket>"
SLA_METRICS = {"first_response": "frt", "next_response": "nrt", "resolution": "res"}
MAX_MULTI = 10  # tags / field values per ticket that get their own slices
# A cell is {counter: n} plus histogram entries {"<hist>:<bucket>": n}.
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
    tags: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)  # "key=value" of the sliced custom fields
    # (when, old category, new category) for every status change, oldest first
    transitions: list[tuple[dt.datetime, str, str]] = field(default_factory=list)
    # (metric, achieved_at, breached_at) per SLA clock
    sla: list[tuple[str, dt.datetime | None, dt.datetime | None]] = field(default_factory=list)
    # (requested_at, rated_at, rating) of the CSAT survey
    csat: tuple[dt.datetime, dt.datetime | None, int | None] | None = None
    # (applied_at, changed later by a person) per field the AI applied
    ai: list[tuple[dt.datetime, bool]] = field(default_factory=list)


@dataclass(frozen=True)
class Clocks:
    """The tenant's zone for day buckets and its business calendar (None = always open)."""

    zone: ZoneInfo = UTC_ZONE
    calendar: Calendar | None = None


def _values(facts: TicketFacts) -> dict[str, list[str]]:
    return {
        "team": [str(facts.team_id) if facts.team_id else NONE_VALUE],
        "assignee": [str(facts.assignee_id) if facts.assignee_id else NONE_VALUE],
        "channel": [facts.channel or NONE_VALUE],
        "category": [(facts.category or NONE_VALUE)[:100]],
        "priority": [facts.priority or NONE_VALUE],
        "tag": sorted(set(facts.tags))[:MAX_MULTI] or [NONE_VALUE],
        "field": sorted(set(facts.fields))[:MAX_MULTI] or [NONE_VALUE],
    }


def slices(facts: TicketFacts) -> list[tuple[str, str]]:
    """`all`, every single dimension value, and every pair of values of two dimensions."""
    values = _values(facts)
    out = [("all", "")]
    out += [(d, v) for d in FILTER_DIMENSIONS for v in values[d]]
    for a, b in combinations(FILTER_DIMENSIONS, 2):
        out += [(f"{a}+{b}", f"{va}{PAIR_JOIN}{vb}") for va in values[a] for vb in values[b]]
    return out


def seconds_between(start: dt.datetime, end: dt.datetime) -> int:
    return max(0, int((end - start).total_seconds()))


def business_seconds(clocks: Clocks, start: dt.datetime, end: dt.datetime) -> int:
    if clocks.calendar is None:
        return seconds_between(start, end)
    return max(0, int(business_minutes_between(clocks.calendar, start, end) * 60))


def _duration(cell: Cell, name: str, secs: int, bh_secs: int) -> None:
    cell[f"{name}_sum"] += secs
    cell[f"{name}_bh_sum"] += bh_secs
    cell[f"{name}:{bucket_of(secs)}"] += 1
    cell[f"{name}_bh:{bucket_of(bh_secs)}"] += 1


def day_cells(facts: TicketFacts, clocks: Clocks) -> dict[str, Cell]:
    """The ticket's counters per local day (the same for each of its slices)."""
    per_day: dict[str, Cell] = defaultdict(lambda: defaultdict(int))

    def day(moment: dt.datetime) -> Cell:
        return per_day[moment.astimezone(clocks.zone).date().isoformat()]

    day(facts.created_at)["created"] += 1
    for when, old, new in facts.transitions:
        if old not in RESOLVED and new in RESOLVED:
            day(when)["solved"] += 1
        elif old in RESOLVED and new not in RESOLVED:
            day(when)["reopened"] += 1
    if facts.first_response_at is not None:
        cell = day(facts.first_response_at)
        cell["frt_count"] += 1
        secs = seconds_between(facts.created_at, facts.first_response_at)
        _duration(cell, "frt", secs, business_seconds(clocks, facts.created_at, facts.first_response_at))
    if facts.status in RESOLVED and facts.solved_at is not None:
        cell = day(facts.solved_at)
        cell["res_count"] += 1
        secs = seconds_between(facts.created_at, facts.solved_at)
        _duration(cell, "res", secs, business_seconds(clocks, facts.created_at, facts.solved_at))
        cell["replies_sum"] += facts.replies
    for metric, achieved_at, breached_at in facts.sla:
        short = SLA_METRICS.get(metric)
        if short and breached_at is not None:
            day(breached_at)[f"sla_{short}_breached"] += 1
        elif short and achieved_at is not None:
            day(achieved_at)[f"sla_{short}_met"] += 1
    if facts.csat is not None:
        requested_at, rated_at, rating = facts.csat
        day(requested_at)["csat_sent"] += 1
        if rated_at is not None and rating is not None:
            cell = day(rated_at)
            cell["csat_rated"] += 1
            cell["csat_sum"] += rating
            cell["csat_good"] += int(rating >= 4)
    for applied_at, changed in facts.ai:
        cell = day(applied_at)
        cell["ai_applied"] += 1
        cell["ai_changed"] += int(changed)
    return {d: {k: n for k, n in cell.items() if n} for d, cell in per_day.items()}


def ticket_cells(facts: TicketFacts, clocks: Clocks) -> dict[CellKey, Cell]:
    return cells_from_snapshot(snapshot(facts, clocks))


def snapshot(facts: TicketFacts, clocks: Clocks) -> dict[str, Any]:
    """The compact stored form: the ticket's slices once, and its cells per day."""
    return {"s": [list(pair) for pair in slices(facts)], "days": day_cells(facts, clocks)}


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
