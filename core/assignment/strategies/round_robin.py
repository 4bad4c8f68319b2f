"""Round-robin: each available agent in turn, by membership id, skipping those at capacity."""

from typing import ClassVar

from assignment.strategies import register
from assignment.strategies.base import Context, next_after


@register
class RoundRobin:
    key: ClassVar[str] = "round_robin"
    description: ClassVar[str] = "Each available agent in turn."

    def choose(self, ctx: Context) -> int | None:
        picked = next_after(ctx.candidates, ctx.last_assigned_membership_id)
        return picked.membership_id if picked else None
