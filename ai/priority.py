"""Priority: rules over text signals and context, optionally combined with a tenant's text model.

Rules can only raise a priority, never lower what the text model says: an outage phrased
politely is still an outage, and the model catches the tenant-specific wording rules miss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEVELS = ("low", "normal", "high", "urgent")

_URGENT_WORDS = re.compile(
    r"\b(urgent(ly)?|asap|immediately|emergency|critical|right now|top priority|p0|sev ?1)\b", re.I
)
_OUTAGE = re.compile(
    r"\b((is|are|went|goes|gone) down|outage|not (working|responding|loading)|"
    r"(can ?not|can't|cannot|unable to) (log ?in|login|access|connect|pay|use)|"
    r"service unavailable|data loss|all (users|customers)|"
    r"production|security (breach|incident)|hacked|fraud)\b",
    re.I,
)
_HIGH_TIERS = {"enterprise", "premium", "vip", "platinum"}


@dataclass(frozen=True)
class RuleResult:
    level: str
    reasons: list[str]


def rule_priority(
    text: str, *, customer_tier: str | None = None, sla_minutes_left: int | None = None
) -> RuleResult:
    level = 1
    reasons: list[str] = []
    if _URGENT_WORDS.search(text):
        level, reasons = max(level, 2), [*reasons, "urgent wording"]
    if _OUTAGE.search(text):
        level, reasons = max(level, 2), [*reasons, "outage phrasing"]
    if len(reasons) == 2:
        level = 3
    if customer_tier and customer_tier.lower() in _HIGH_TIERS and reasons:
        level, reasons = min(level + 1, 3), [*reasons, f"{customer_tier.lower()} customer"]
    if sla_minutes_left is not None and sla_minutes_left <= 60:
        level = max(level, 3 if sla_minutes_left <= 15 else 2)
        reasons.append("SLA due soon" if sla_minutes_left > 0 else "SLA breached")
    return RuleResult(LEVELS[level], reasons)


def combine(model_level: str | None, rules: RuleResult) -> str:
    """The higher of the model's and the rules' levels; rules that found nothing do not count."""
    if model_level in LEVELS and not rules.reasons:
        return model_level
    rank = LEVELS.index(rules.level)
    if model_level in LEVELS:
        rank = max(rank, LEVELS.index(model_level))
    return LEVELS[rank]
