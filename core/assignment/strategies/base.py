"""What a strategy sees (the ticket and eligible candidates) and the interface it implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol


@dataclass(frozen=True)
class Candidate:
    """An agent who may take the ticket now: available and under capacity."""

    membership_id: int
    open_tickets: int
    skills: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class TicketFacts:
    tags: frozenset[str]
    category: str
    priority: str


@dataclass(frozen=True)
class Context:
    ticket: TicketFacts
    candidates: tuple[Candidate, ...]  # sorted by membership id
    last_assigned_membership_id: int | None
    options: dict[str, Any]


class Strategy(Protocol):
    key: ClassVar[str]
    description: ClassVar[str]

    def choose(self, ctx: Context) -> int | None:
        """The membership id to assign, or None to leave the ticket unassigned."""
        ...


def next_after(candidates: tuple[Candidate, ...], last_id: int | None) -> Candidate | None:
    """The candidate after `last_id` in id order, wrapping around: the round-robin step."""
    if not candidates:
        return None
    for candidate in candidates:
        if last_id is None or candidate.membership_id > last_id:
            return candidate
    return candidates[0]
