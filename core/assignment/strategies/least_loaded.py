"""Least-loaded: the available agent with the fewest open tickets; ties go round-robin."""

from typing import ClassVar

from assignment.strategies import register
from assignment.strategies.base import Context, next_after


@register
class LeastLoaded:
    key: ClassVar[str] = "least_loaded"
    description: ClassVar[str] = "The available agent with the fewest open tickets."

    def choose(self, ctx: Context) -> int | None:
        if not ctx.candidates:
            return None
        fewest = min(c.open_tickets for c in ctx.candidates)
        tied = tuple(c for c in ctx.candidates if c.open_tickets == fewest)
        picked = next_after(tied, ctx.last_assigned_membership_id)
        return picked.membership_id if picked else None
