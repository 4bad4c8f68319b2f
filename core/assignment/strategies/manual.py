"""Manual: tickets wait in the queue for an agent or a lead to take them (the default)."""

from typing import ClassVar

from assignment.strategies import register
from assignment.strategies.base import Context


@register
class Manual:
    key: ClassVar[str] = "manual"
    description: ClassVar[str] = "Leave tickets unassigned; agents pick them."

    def choose(self, ctx: Context) -> int | None:
        return None
