"""Skills-based: agents whose skills match most of the ticket's tags and category; then least loaded.

Option `require_match` (default true): with no matching agent the ticket stays unassigned;
false falls back to the least-loaded agent.
"""

from typing import ClassVar

from assignment.strategies import register
from assignment.strategies.base import Context, next_after


@register
class SkillsBased:
    key: ClassVar[str] = "skills"
    description: ClassVar[str] = (
        "Agents whose skills match the ticket's tags or category, least loaded first."
    )

    def choose(self, ctx: Context) -> int | None:
        wanted = set(ctx.ticket.tags) | ({ctx.ticket.category.lower()} if ctx.ticket.category else set())
        scored = [(len(wanted & c.skills), c) for c in ctx.candidates]
        best = max((score for score, _ in scored), default=0)
        if best == 0 and ctx.options.get("require_match", True):
            return None
        pool = [c for score, c in scored if score == best]
        fewest = min(c.open_tickets for c in pool)
        picked = next_after(
            tuple(c for c in pool if c.open_tickets == fewest), ctx.last_assigned_membership_id
        )
        return picked.membership_id if picked else None
